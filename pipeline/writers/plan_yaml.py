"""An imported draft written as a plan file a clerk can read, edit and build."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from pipeline.readers.draft import Draft
from pipeline.readers.textfile import describe, printable, unsafe_char
from pipeline.transforms.placeholders import escape
from pipeline.writers.atomic import atomic_path

PLACEHOLDER_ORGAN = "（请填写发文机关）"


class _Literal(str):
    """A multi-line string dumped as a | block, as a clerk would type it."""


def _literal(dumper, data):
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Literal, _literal)


def plan_data(draft: Draft) -> dict:
    plan: dict = {}
    if draft.kind:
        plan["kind"] = draft.kind
    organs = draft.organs or [PLACEHOLDER_ORGAN]
    plan["organ"] = organs[0] if len(organs) == 1 else organs
    if draft.secrecy:
        plan["secrecy"] = draft.secrecy
    if draft.urgency:
        plan["urgency"] = draft.urgency
    if draft.number:
        plan["number"] = draft.number
    if draft.signers:
        plan["signers"] = draft.signers
    plan["title"] = draft.title
    if draft.addressee:
        plan["to"] = draft.addressee
    plan["body"] = _Literal("\n".join(draft.body) + "\n")
    names = draft.attachments or list(draft.attachment_bodies)
    if names:
        plan["attachments"] = []
        for name in names:
            item = {"title": name}
            if draft.attachment_bodies.get(name):
                item["body"] = _Literal("\n".join(draft.attachment_bodies[name]) + "\n")
            plan["attachments"].append(item)
    if draft.date:
        signature = {"date": draft.date}
        if draft.signature_organs and draft.signature_organs != organs:
            signature["organ"] = (draft.signature_organs[0] if len(draft.signature_organs) == 1
                                  else draft.signature_organs)
        plan["signature"] = signature
    if draft.note:
        plan["note"] = draft.note
    if draft.copies_to or draft.printer:
        closing = {}
        if draft.copies_to:
            closing["cc"] = draft.copies_to
        if draft.printer:
            closing["printer"] = draft.printer
            closing["date"] = draft.print_date
        plan["closing"] = closing
    return plan


def _as_text(data, notes: list[str], path: str = ""):
    """Pasted text stays text: template marks ({{ 7*7 }}) are escaped so they print as typed,
    and characters no document may hold (control characters, bidi overrides) are removed;
    both are reported in the plan's head."""
    if isinstance(data, dict):
        return {k: _as_text(v, notes, f"{path}.{k}" if path else k) for k, v in data.items()}
    if isinstance(data, list):
        return [_as_text(v, notes, f"{path}[{i + 1}]") for i, v in enumerate(data)]
    if not isinstance(data, str):
        return data
    text = data
    while (bad := unsafe_char(text)) is not None:
        notes.append(f"{path}: removed the invisible character {describe(bad)}")
        text = text.replace(bad, "")
    escaped = escape(text)
    if escaped != text:
        notes.append(f"{path}: template marks ({{{{ {{% {{#) kept as text")
    return type(data)(escaped) if isinstance(data, _Literal) else escaped


def plan_text(draft: Draft, source: Path) -> str:
    notes: list[str] = []
    data = _as_text(plan_data(draft), notes)
    head = [f"# Imported from {Path(source).name} by gongwen import on "
            f"{dt.date.today().isoformat()}.",
            "# What the import changed or left out (line numbers of the source):"]
    head += [f"#   {change}" for change in [*draft.changes, *notes]] or ["#   nothing"]
    # a raw control character even in a comment makes the whole file unreadable YAML
    head = [printable(line) for line in head]
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)
    return "\n".join(head) + "\n" + body


def write_plan(draft: Draft, source: Path, path: Path) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_text(plan_text(draft, source), encoding="utf-8")
    return path


def _blocks(value):
    """Multi-line strings anywhere in a plan become | blocks."""
    if isinstance(value, dict):
        return {k: _blocks(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_blocks(v) for v in value]
    if isinstance(value, str) and "\n" in value:
        return _Literal(value if value.endswith("\n") else value + "\n")
    return value


def dump_plan(data: dict) -> str:
    """A plan (as a dict, e.g. from a web form) written as a clerk would type it."""
    return yaml.dump(_blocks(data), Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     width=1000)
