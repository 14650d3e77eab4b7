"""The new-document form and the plan file: one to the other, nothing else.

The form holds the plan's fields as a clerk names them; lists (organs, signers, 抄送,
attachments) are one per line. The plan it makes is validated by the same reader as a plan
file (readers/plan.py), so the form needs no rules of its own.
"""
from __future__ import annotations

import json
import re
import secrets
from pathlib import Path

from pipeline.standard import FORMATS  # noqa: F401  (the form's format choices)

FIELDS = ("kind", "format", "organ", "mark_suffix", "number_mode", "number", "number_code",
          "signers", "secrecy", "urgency", "title", "title_note", "to", "body", "attachments",
          "sign_organ", "date", "seal", "note", "cc", "printer", "print_date", "order_number",
          "sign_title", "stamp", "meeting_issue", "present", "absent", "attending", "id",
          "extras")
# the special formats' own boxes (GB/T 9704 clause 10): 令号, the signer's 职务 and 签名章 of a
# 令; a 纪要's number line and attendance, one unit or person per line
MEETING_FIELDS = {"present": "present", "absent": "absent", "attending": "attending"}
# plan fields the form has no box for, carried through it untouched (as JSON in a hidden
# field) so reopening a hand-written plan or an imported draft loses nothing
EXTRA_KEYS = ("params", "copies", "copy_number")
EXTRA_SIGNATURE = ("seal_size_mm", "seal_offset_mm", "stamp_height_mm")
KINDS = ("通知", "通报", "报告", "请示", "意见", "决定", "批复", "函", "纪要", "令", "通告", "决议",
         "方案", "办法")
SEAL_SUFFIXES = (".png", ".jpg", ".jpeg")
PLAN_NAME = re.compile(r"^[\w\u3400-\u9fff][\w\u3400-\u9fff-]{0,59}$")


def _lines(text: str) -> list[str]:
    return [l.strip() for l in (text or "").splitlines() if l.strip()]


def _one_or_many(items: list[str]):
    return items[0] if len(items) == 1 else items


def seal_library(folder: Path) -> list[str]:
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.suffix.lower() in SEAL_SUFFIXES)


def blank_form() -> dict[str, str]:
    form = {name: "" for name in FIELDS}
    form.update(mark_suffix="文件", number_mode="none", id=f"web-{secrets.token_hex(6)}")
    return form


def _library_file(name: str, seals: Path, what: str) -> str:
    """The path of a picture chosen by name from the office's library; anything else is
    refused, so no plan from the web names a file of its own."""
    if name not in seal_library(seals):
        raise ValueError(f"{what}“{name}”不在本单位印章库中")
    return str(Path(seals).resolve() / name)


def form_to_plan(form: dict[str, str], seals: Path) -> dict:
    """The plan dict for a filled form. A seal or a 签名章 is chosen by name from the office's
    library (_library_file)."""
    f = {k: (form.get(k) or "").strip() for k in FIELDS}
    f["body"] = (form.get("body") or "").replace("\r\n", "\n").strip("\n")
    plan: dict = {}
    try:
        extras = json.loads(f["extras"]) if f["extras"] else {}
    except ValueError:
        extras = None
    if not isinstance(extras, dict):
        raise ValueError("表单中的附加字段已损坏，请重新打开方案。")
    if f["kind"]:
        plan["kind"] = f["kind"]
    if f["format"]:  # empty: the format the 文种 takes
        plan["format"] = f["format"]
    if f["id"]:
        plan["id"] = f["id"]
    for key in ("secrecy", "urgency"):
        if f[key]:
            plan[key] = f[key]
    if _lines(f["organ"]):  # left out when empty: the plan reader then says it is missing
        plan["organ"] = _one_or_many(_lines(f["organ"]))
    if f["mark_suffix"] != "文件":
        plan["mark_suffix"] = f["mark_suffix"]
    if f["number_mode"] == "auto":
        plan["number"] = "auto"
        plan["number_code"] = f["number_code"]
    elif f["number_mode"] == "manual" and f["number"]:
        plan["number"] = f["number"]
    if _lines(f["signers"]):
        plan["signers"] = _lines(f["signers"])
    plan["title"] = f["title"]
    if f["title_note"]:
        plan["title_note"] = f["title_note"]
    if f["order_number"]:
        plan["order_number"] = f["order_number"]
    meeting = {key: _lines(f[box]) for box, key in MEETING_FIELDS.items() if _lines(f[box])}
    if f["meeting_issue"]:
        meeting = {"issue": f["meeting_issue"], **meeting}
    if meeting:
        plan["meeting"] = meeting
    if f["to"]:
        plan["to"] = f["to"]
    plan["body"] = f["body"]
    if _lines(f["attachments"]):
        bodies = extras.get("attachment_bodies") or {}
        plan["attachments"] = [{"title": t, **({"body": str(bodies[t])} if bodies.get(t) else {})}
                               for t in _lines(f["attachments"])]
    if f["date"]:
        signature: dict = {"date": f["date"]}
        if _lines(f["sign_organ"]):
            signature["organ"] = _one_or_many(_lines(f["sign_organ"]))
        if f["seal"]:
            signature["seal"] = _library_file(f["seal"], seals, "印章")
        if f["sign_title"]:
            signature["title"] = f["sign_title"]
        if f["stamp"]:
            signature["stamp"] = _library_file(f["stamp"], seals, "签名章")
        for key in EXTRA_SIGNATURE:
            if key in (extras.get("signature") or {}):
                signature[key] = extras["signature"][key]
        plan["signature"] = signature
    if f["note"]:
        plan["note"] = f["note"]
    if f["cc"] or f["printer"]:
        closing: dict = {}
        if _lines(f["cc"]):
            closing["cc"] = _one_or_many(_lines(f["cc"]))
        if f["printer"]:
            closing["printer"] = f["printer"]
            closing["date"] = f["print_date"] or f["date"] or None
        plan["closing"] = closing
    for key in EXTRA_KEYS:  # only these: a seal or a file never comes in this way
        if extras.get(key) is not None:
            plan[key] = extras[key]
    return plan


def _extras(plan: dict) -> str:
    extras = {k: plan[k] for k in EXTRA_KEYS if plan.get(k) is not None}
    bodies = {str(a["title"]): a["body"] for a in plan.get("attachments") or []
              if isinstance(a, dict) and a.get("title") and a.get("body")}
    if bodies:
        extras["attachment_bodies"] = bodies
    sig = {k: v for k, v in (plan.get("signature") or {}).items() if k in EXTRA_SIGNATURE}
    if sig:
        extras["signature"] = sig
    return json.dumps(extras, ensure_ascii=False, default=str) if extras else ""


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return str(value)


def plan_to_form(plan: dict, seals: Path) -> dict[str, str]:
    """A plan (saved from the form, imported from a draft, or written by hand) in the form.
    A seal outside the office's library is dropped, and said so by the caller."""
    form = blank_form()
    form["id"] = _text(plan.get("id")) or form["id"]
    for key in ("kind", "format", "secrecy", "urgency", "title", "title_note", "to", "note",
                "number_code", "order_number"):
        form[key] = _text(plan.get(key))
    form["body"] = _text(plan.get("body")).rstrip("\n")
    form["organ"] = _text(plan.get("organ"))
    form["mark_suffix"] = _text(plan.get("mark_suffix")) or "文件"
    number = _text(plan.get("number"))
    form["number_mode"] = "auto" if number == "auto" else "manual" if number else "none"
    form["number"] = "" if number == "auto" else number
    form["signers"] = _text(plan.get("signers"))
    form["attachments"] = "\n".join(_text(a.get("title") if isinstance(a, dict) else a)
                                    for a in plan.get("attachments") or [])
    sig = plan.get("signature") or {}
    form["date"] = _text(sig.get("date"))
    form["sign_organ"] = _text(sig.get("organ"))
    form["sign_title"] = _text(sig.get("title"))
    for key in ("seal", "stamp"):
        picture = _text(sig.get(key))
        if picture and Path(picture).name in seal_library(seals):
            form[key] = Path(picture).name
    meeting = plan.get("meeting") or {}
    form["meeting_issue"] = _text(meeting.get("issue"))
    for box, key in MEETING_FIELDS.items():
        form[box] = _text(meeting.get(key))
    closing = plan.get("closing") or {}
    form["cc"] = _text(closing.get("cc"))
    form["printer"] = _text(closing.get("printer"))
    form["print_date"] = _text(closing.get("date"))
    form["extras"] = _extras(plan)
    return form
