"""The workbench's parts that need no server: job folders and their clean-up, the form ↔ plan
mapping (through the real plan reader), the settings' refusal of an open address."""
from __future__ import annotations

import json
import re
import time

import pytest

from plans import HAND_REPORT
from pipeline.readers.plan import read_plan
from pipeline.web import forms
from pipeline.web.config import ServeError, Settings, is_local
from pipeline.web.jobfiles import STATUS, write_json
from pipeline.web.jobs import JobNotFound, Jobs
from pipeline.writers.plan_yaml import dump_plan
from webserver import ROOT

SEALS = ROOT / "inputs" / "seals"


def test_old_job_folders_are_swept_running_ones_kept(tmp_path):
    jobs = Jobs(tmp_path, max_age_s=3600)
    old, old_dir = jobs.new("preview", "zhang")
    busy, busy_dir = jobs.new("certificates", "zhang")
    fresh, fresh_dir = jobs.new("preview", "zhang")
    for folder in (old_dir, busy_dir):  # started two hours ago
        meta = json.loads((folder / "job.json").read_text())
        write_json(folder / "job.json", {**meta, "created": time.time() - 7200})
    write_json(busy_dir / STATUS, {"state": "running"})
    assert jobs.sweep() == 1
    assert not old_dir.exists() and busy_dir.exists() and fresh_dir.exists()


def test_job_files_only_by_plain_name_and_owner(tmp_path):
    jobs = Jobs(tmp_path / "jobs", max_age_s=60)
    job, folder = jobs.new("preview", "zhang")
    (folder / "公文.pdf").write_bytes(b"%PDF")
    (tmp_path / "secret.txt").write_text("x")
    assert jobs.file(job, "公文.pdf", "zhang") == folder / "公文.pdf"
    for name in ("../secret.txt", "../../secret.txt", "/etc/passwd", "job.json", ".x", "..",
                 "a/b.pdf", "公文.pdf\x00.png", ""):
        with pytest.raises(JobNotFound):
            jobs.file(job, name, "zhang")
    with pytest.raises(JobNotFound):
        jobs.file(job, "公文.pdf", "li")  # someone else's job
    with pytest.raises(JobNotFound):
        jobs.folder("../jobs", "zhang")


def test_form_to_plan_reads_as_a_plan(tmp_path):
    form = {**forms.blank_form(), "kind": "通知", "organ": "青山镇人民政府\n青山镇党委",
            "number_mode": "auto", "number_code": "青政发", "title": "关于开展植树活动的通知",
            "to": "各村：", "body": "为改善环境。\r\n# 活动时间\r\n3月12日。", "date": "2026-03-10",
            "seal": "qingshan-government.png",
            "sign_organ": "青山镇人民政府", "attachments": "植树安排表\n分工表",
            "cc": "县林业局\n县农业局", "printer": "青山镇党政办", "print_date": "2026-03-10"}
    plan = forms.form_to_plan(form, SEALS)
    assert plan["organ"] == ["青山镇人民政府", "青山镇党委"]
    assert plan["attachments"] == [{"title": "植树安排表"}, {"title": "分工表"}]
    assert plan["signature"]["seal"] == str(SEALS.resolve() / "qingshan-government.png")
    path = tmp_path / "p.yaml"
    path.write_text(dump_plan(plan), encoding="utf-8")
    read, _src = read_plan(path)  # the plan reader's own validation
    assert read.number == "auto" and read.number_code == "青政发"
    assert read.body == "为改善环境。\n# 活动时间\n3月12日。"  # CR LF from the browser gone
    assert read.closing.cc == ["县林业局", "县农业局"]
    back = forms.plan_to_form(plan, SEALS)
    for key in ("kind", "organ", "title", "to", "number_code", "seal", "attachments", "cc"):
        assert back[key] == form[key], key
    assert back["body"] == "为改善环境。\n# 活动时间\n3月12日。"


def test_seal_outside_the_library_is_refused():
    form = {**forms.blank_form(), "organ": "x", "title": "t", "body": "b", "date": "2026-01-01",
            "seal": "../../etc/passwd"}
    with pytest.raises(ValueError, match="印章库"):
        forms.form_to_plan(form, SEALS)
    plan = {"organ": "x", "title": "t", "body": "b",
            "signature": {"date": "2026-01-01", "seal": "/etc/passwd"}}
    assert forms.plan_to_form(plan, SEALS)["seal"] == ""


def test_open_address_needs_users(tmp_path):
    assert is_local("127.0.0.1") and is_local("::1") and is_local("localhost")
    assert not is_local("0.0.0.0") and not is_local("192.168.1.10")
    with pytest.raises(ServeError, match="--users"):
        Settings(host="0.0.0.0", data=tmp_path).validate()
    users = tmp_path / "users.txt"
    users.write_text("")
    assert Settings(host="0.0.0.0", data=tmp_path, users=users).validate().needs_login
    assert Settings(host="0.0.0.0", data=tmp_path, proxy_header="X-Remote-User").validate()


def test_pdf_findings_located_on_their_page(tmp_path):
    """check.finding_spots: a wording finding of a PDF ("text line N") is boxed where that
    text is printed; a page finding points at its page."""
    import pymupdf

    from pipeline.build import build_plan
    from pipeline.check import check_file, finding_spots

    plan = HAND_REPORT
    path = tmp_path / "report.yaml"
    path.write_text(plan.replace("特此报告。", "特此报告。二〇二六年一月十五日前报送。"), encoding="utf-8")
    pdf = next(p for p in build_plan(path, tmp_path, ("pdf",)) if p.suffix == ".pdf")
    findings = check_file(pdf)
    spots = finding_spots(pdf, findings)
    dated = [(f, s) for f, s in zip(findings, spots) if f.rule == "date-form"]
    assert len(dated) == 1 and dated[0][0].location.startswith("text line ")
    index, (x0, y0, x1, y1) = dated[0][1]
    doc = pymupdf.open(pdf)
    hits = [(i, r) for i, page in enumerate(doc) for r in page.search_for("二〇二六年一月")]
    assert [i for i, _r in hits] == [index]
    mm = 25.4 / 72
    r = hits[0][1]
    assert x0 - 0.5 <= r.x0 * mm and r.x1 * mm <= x1 + 0.5
    assert y0 - 0.5 <= r.y0 * mm and r.y1 * mm <= y1 + 0.5
    assert y1 - y0 < 12  # one line, not the page
    paged = [s for f, s in zip(findings, spots) if re.match(r"page \d+$", f.location)]
    assert all(s is not None and s[1] is None for s in paged)


def test_fields_without_a_box_survive_the_form(tmp_path):
    """A hand-written plan (params for its placeholders, copies, an attachment with a body,
    a seal size) reopened in the form and saved again loses none of them."""
    import yaml

    plan = yaml.safe_load(HAND_REPORT)
    plan.update(copies=3, attachments=[{"title": "重点项目表", "body": "一、茶叶加工园\n二、竹木产业园"},
                                       {"title": "名单"}])
    plan["signature"].update(seal="qingshan-government.png", seal_size_mm=40)
    form = forms.plan_to_form(plan, SEALS)
    form["title"] = form["title"].replace("2025年度", "2025年")  # the clerk edits something
    again = forms.form_to_plan(form, SEALS)
    assert again["params"] == {"gdp_growth": 6.8, "new_jobs": 1260}
    assert again["copies"] == 3
    assert again["attachments"] == [{"title": "重点项目表", "body": "一、茶叶加工园\n二、竹木产业园"},
                                    {"title": "名单"}]
    assert again["signature"]["seal_size_mm"] == 40
    path = tmp_path / "again.yaml"
    path.write_text(dump_plan(again), encoding="utf-8")
    read, _src = read_plan(path)  # the placeholders find their params
    assert "6.8%" in read.body and read.title == "青山镇人民政府关于2025年工作情况的报告"
    form["extras"] = '{"params": 1'  # a damaged hidden field is said, not guessed at
    with pytest.raises(ValueError, match="附加字段"):
        forms.form_to_plan(form, SEALS)
    form["extras"] = '{"seal": "/etc/passwd", "design": "x"}'  # only the known extras pass
    assert "seal" not in forms.form_to_plan(form, SEALS)


def test_minutes_boxes_read_as_a_plan(tmp_path):
    form = {**forms.blank_form(), "kind": "纪要", "organ": "青山镇人民政府",
            "mark_suffix": "镇长办公会议纪要", "title": "关于防汛工作的会议纪要",
            "body": "会议研究了防汛工作。", "meeting_issue": "第12期",
            "present": "王建国（镇长）\n李明（副镇长）", "absent": "张华（副镇长，出差）",
            "attending": "镇水利站 刘强"}
    plan = forms.form_to_plan(form, SEALS)
    assert "format" not in plan  # a 纪要 takes the 纪要 format by itself
    assert plan["meeting"] == {"issue": "第12期", "present": ["王建国（镇长）", "李明（副镇长）"],
                               "absent": ["张华（副镇长，出差）"], "attending": ["镇水利站 刘强"]}
    path = tmp_path / "m.yaml"
    path.write_text(dump_plan(plan), encoding="utf-8")
    read, _src = read_plan(path)
    assert read.meeting is not None
    back = forms.plan_to_form(plan, SEALS)
    for key in ("meeting_issue", "present", "absent", "attending", "mark_suffix"):
        assert back[key] == form[key], key


def test_order_boxes_and_a_stamp_from_the_library(tmp_path):
    stamp = next(n for n in forms.seal_library(SEALS) if "stamp" in n or "signature" in n)
    form = {**forms.blank_form(), "kind": "令", "organ": "青山县人民政府",
            "title": "青山县河道采砂管理办法", "body": "第一条 为了加强河道采砂管理，制定本办法。",
            "order_number": "第5号", "date": "2026-05-06", "sign_title": "县长",
            "stamp": stamp}
    plan = forms.form_to_plan(form, SEALS)
    assert plan["order_number"] == "第5号"
    assert plan["signature"]["title"] == "县长"
    assert plan["signature"]["stamp"] == str(SEALS.resolve() / stamp)
    path = tmp_path / "o.yaml"
    path.write_text(dump_plan(plan), encoding="utf-8")
    read_plan(path)
    back = forms.plan_to_form(plan, SEALS)
    assert (back["order_number"], back["sign_title"], back["stamp"]) == ("第5号", "县长", stamp)


def test_stamp_outside_the_library_is_refused():
    form = {**forms.blank_form(), "organ": "x", "title": "t", "body": "b", "date": "2026-01-01",
            "stamp": "../../etc/passwd"}
    with pytest.raises(ValueError, match="签名章.*印章库"):
        forms.form_to_plan(form, SEALS)
