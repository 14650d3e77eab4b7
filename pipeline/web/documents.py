"""Pages that make one document: the new-document form, its preview and build, saved plans,
and imported drafts (which open in the same form)."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import yaml
from fastapi import Depends, FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse

from pipeline.web import forms, tasks
from pipeline.web.common import (DRAFT_TYPES, UploadRefused, Workbench, in_pool, saved_upload,
                                  user_of)
from pipeline.web.jobfiles import write_json
from pipeline.web.jobs import JobNotFound


def add_routes(app: FastAPI, w: Workbench) -> None:
    settings, jobs, state, page, csrf = w.settings, w.jobs, w.state, w.page, w.csrf
    not_found, plans_dir = w.not_found, w.plans_dir

    # --- new document, preview, build, plans -------------------------------------------------
    def document_page(request, form, code=200, **ctx):
        return page(request, "document.html", code, form=form, kinds=forms.KINDS,
                    formats=forms.FORMATS, seals=forms.seal_library(settings.seals), **ctx)

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

        job_id, folder = jobs.new("document", user_of(request))
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
            result = await in_pool(state, tasks.preview, str(folder), name, settings.db)
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
        result = await in_pool(state, tasks.build, str(folder), name, settings.db,
                                user_of(request))
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
        job_id, folder = jobs.new("import", user_of(request))
        shown = "粘贴的文字"
        try:
            if file is not None and file.filename:
                path, shown = saved_upload(file, DRAFT_TYPES, folder, "draft")
            elif text.strip():
                path = folder / "draft.txt"
                path.write_text(text.replace("\r\n", "\n"), encoding="utf-8")
            else:
                raise UploadRefused("请粘贴草稿文字，或选择一个 Word/文本文件。")
        except UploadRefused as exc:
            return page(request, "import.html", 400, error=str(exc), text=text)
        result = await in_pool(state, tasks.import_draft, str(folder), path.name,
                                bool(simplify))
        result.update(source=shown, organ=organ.strip())
        write_json(folder / "import.json", result)
        return RedirectResponse(f"/import/{job_id}", status_code=303)

    @app.get("/import/{job_id}", response_class=HTMLResponse)
    def import_result(request: Request, job_id: str, d: int = 0):
        try:
            folder = jobs.folder(job_id, user_of(request))
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
