"""Pages for many documents at once: certificates from a roster, circulars from a table; both
run as long jobs whose progress the job page follows."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml
from fastapi import Depends, FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse

from pipeline.errors import GongwenError
from pipeline.web import tasks
from pipeline.web.common import (ROSTER_TYPES, UploadRefused, Workbench, in_pool, saved_upload,
                                  user_of)
from pipeline.web.documents import _write_plan
from pipeline.web.jobfiles import write_json
from pipeline.web.jobs import JobNotFound


def add_routes(app: FastAPI, w: Workbench) -> None:
    settings, jobs, state, page, csrf = w.settings, w.jobs, w.state, w.page, w.csrf
    not_found, plans_dir = w.not_found, w.plans_dir

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
        job_id, folder = jobs.new("certificates", user_of(request), plan=plan)
        try:
            path, shown = saved_upload(roster, ROSTER_TYPES, folder, "roster",
                                          missing="请选择名单文件（.xlsx 或 .csv）。")
            plan_file = _certificate_plan_copy(Path(settings.certificate_plans) / plan, folder,
                                               design)
        except (UploadRefused, GongwenError) as exc:
            return page(request, "certificates.html", 400, plans=_cert_plans(), error=str(exc))
        chosen = ("docx", "pdf") if formats == "all" else ("pdf",)
        options = {"plan": plan_file.name, "roster": path.name, "sheet": sheet.strip(),
                   "formats": list(chosen), "shown": shown}
        write_json(folder / "options.json", options)
        result = await in_pool(state, tasks.certificates_check, str(folder), plan_file.name,
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
            folder = jobs.folder(job_id, user_of(request))
        except JobNotFound:
            raise not_found() from None
        options = json.loads((folder / "options.json").read_text(encoding="utf-8"))
        if jobs.status(job_id, user_of(request)).get("state") in ("running", "done"):
            return RedirectResponse(f"/jobs/{job_id}", status_code=303)
        state["pools"].start_long(folder, tasks.certificates_generate, options["plan"],
                                  options["roster"], options["sheet"],
                                  tuple(options["formats"]), bool(skip_invalid), settings.db,
                                  user_of(request), settings.cert_workers)
        return RedirectResponse(f"/jobs/{job_id}", status_code=303)

    @app.post("/certificates/calibrate", dependencies=[Depends(csrf)])
    async def certificates_calibrate(request: Request, plan: str = Form("")):
        if plan not in _cert_plans():
            raise HTTPException(400, "请选择证书方案。")
        job_id, folder = jobs.new("calibration", user_of(request), plan=plan)
        plan_file = _certificate_plan_copy(Path(settings.certificate_plans) / plan, folder,
                                           "overprint")
        result = await in_pool(state, tasks.calibration, str(folder), plan_file.name)
        if result.get("error"):
            return page(request, "certificates.html", 400, plans=_cert_plans(),
                        error=result["error"])
        return RedirectResponse(f"/jobs/{job_id}/files/{result['file']}", status_code=303)

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
        job_id, folder = jobs.new("batch", user_of(request), plan=plan)
        try:
            path, _shown = saved_upload(rows, ROSTER_TYPES, folder, "rows",
                                          missing="请选择行数据文件（.xlsx 或 .csv）。")
        except UploadRefused as exc:
            return page(request, "batch.html", 400, plans=_saved_plans(), error=str(exc))
        shutil.copy(plans_dir / f"{plan}.yaml", folder / f"{plan}.yaml")
        state["pools"].start_long(folder, tasks.batch_generate, f"{plan}.yaml", path.name,
                                  key_column.strip(), sheet.strip(), settings.db,
                                  user_of(request))
        return RedirectResponse(f"/jobs/{job_id}", status_code=303)


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
