"""`gongwen import`: a draft file of any supported kind → recognised documents."""
from __future__ import annotations

import re
from pathlib import Path

from pipeline.readers.draft import Draft, DraftError, import_lines, read_text, text_lines
from pipeline.readers.docx_draft import docx_lines

CONVERTED = (".doc", ".wps", ".rtf", ".odt")  # read through LibreOffice
SUFFIXES = (".txt", ".md", ".markdown", ".text", ".docx", *CONVERTED)


def _converted(path: Path) -> Path:
    """An old .doc (or .wps/.rtf/.odt) converted to .docx by LibreOffice, in a temporary
    folder; the message says what to do when that is not possible."""
    import shutil
    import subprocess
    import tempfile

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    advice = "open it in Word or WPS and save it as .docx"
    if not soffice:
        raise DraftError(f"reading {path.suffix} needs LibreOffice; {advice}", file=path)
    out = Path(tempfile.mkdtemp(prefix="gongwen-import-"))
    profile = out / "profile"
    try:
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", "docx", "--outdir", str(out), str(path)],
                       capture_output=True, timeout=120, check=True)
    except (subprocess.SubprocessError, OSError) as exc:
        raise DraftError(f"LibreOffice could not convert it ({exc}); {advice}",
                         file=path) from None
    converted = out / (path.stem + ".docx")
    if not converted.exists():
        raise DraftError(f"LibreOffice could not read it; {advice}", file=path)
    return converted


def import_draft(path: Path, *, simplify: bool | None = None) -> list[Draft]:
    """The documents a draft holds. simplify: None converts traditional characters when the
    text is traditional, True always, False never."""
    path = Path(path)
    if not path.exists():
        raise DraftError(f"'{path}' does not exist")
    suffix = path.suffix.lower()
    if suffix == ".docx":
        lines = docx_lines(path)
    elif suffix in CONVERTED:
        lines = docx_lines(_converted(path))
    elif suffix in SUFFIXES or not suffix:
        lines = text_lines(read_text(path))
    else:
        raise DraftError(f"can import {', '.join(SUFFIXES)}", file=path)
    try:
        return import_lines(lines, simplify=simplify)
    except DraftError as exc:
        raise DraftError(exc.message, file=path) from None


# --- the plan's data -----------------------------------------------------------------------
PLACEHOLDER_ORGAN = "（请填写发文机关）"


def _one_or_many(names: list[str]):
    return names[0] if len(names) == 1 else names


def plan_data(draft: Draft) -> dict:
    """The plan a draft gives, as the data readers/plan.py validates, in the order a clerk
    reads a plan file (header, title, body, signature, 版记)."""
    plan: dict = {}
    if draft.kind:
        plan["kind"] = draft.kind
    if draft.format:
        plan["format"] = draft.format
    organs = draft.organs or [PLACEHOLDER_ORGAN]
    plan["organ"] = _one_or_many(organs)
    for key in ("secrecy", "urgency", "number", "order_number"):
        if getattr(draft, key):
            plan[key] = getattr(draft, key)
    if draft.signers:
        plan["signers"] = draft.signers
    plan["title"] = draft.title
    if draft.title_note:
        plan["title_note"] = draft.title_note
    if draft.addressee:
        plan["to"] = draft.addressee
    if draft.meeting:
        plan["meeting"] = {k: draft.meeting[k] for k in ("issue", "present", "absent", "attending")
                           if k in draft.meeting}
    plan["body"] = "\n".join(draft.body) + "\n"
    names = draft.attachments or list(draft.attachment_bodies)
    # an attachment's own page may space its title otherwise than the 附件说明 line does
    bodies = {re.sub(r"\s+", "", k): v for k, v in draft.attachment_bodies.items()}
    if names:
        plan["attachments"] = []
        for name in names:
            body = bodies.get(re.sub(r"\s+", "", name))
            plan["attachments"].append({"title": name, **({"body": "\n".join(body) + "\n"}
                                                          if body else {})})
    if draft.date:
        signature: dict = {"date": draft.date}
        if draft.signature_organs and draft.signature_organs != organs:
            signature["organ"] = _one_or_many(draft.signature_organs)
        if draft.signature_title:
            signature["title"] = draft.signature_title
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


def kind_findings(data: dict, source: Path) -> list[str]:
    """What the 文种 rules say of an imported plan, as lines for the plan's head; a plan the
    reader cannot take yet is said so rather than failing the import."""
    from pipeline import kinds
    from pipeline.errors import GongwenError
    from pipeline.readers.plan import plan_from_data, to_document

    try:
        plan, src = plan_from_data(data, Path(source))
        doc = to_document(plan, src)
    except GongwenError as exc:
        return [f"check: the plan does not build yet: {exc.message}"]
    return [f"check: {finding}" for finding in kinds.check(doc)]


def _as_text(data, notes: list[str], path: str = ""):
    """Pasted text stays text: template marks ({{ 7*7 }}) are escaped so they print as typed,
    and characters no document may hold (control characters, bidi overrides) are removed;
    both are reported in the plan's head."""
    from pipeline.readers.textfile import describe, unsafe_char
    from pipeline.transforms.placeholders import escape

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
    return escaped


def file_data(draft: Draft, notes: list[str] | None = None) -> dict:
    """The plan data as the plan file holds it: pasted text kept as text (template marks
    escaped, invisible characters removed, each noted in `notes`)."""
    return _as_text(plan_data(draft), [] if notes is None else notes)


def plan_text(draft: Draft, source: Path) -> str:
    """The plan file: what the import did, as comments a clerk reads first, then the data."""
    import datetime as dt

    from pipeline.readers.textfile import printable
    from pipeline.writers.plan_yaml import dump_plan

    notes: list[str] = []
    data = file_data(draft, notes)
    head = [f"# Imported from {Path(source).name} by gongwen import on "
            f"{dt.date.today().isoformat()}.",
            "# What the import changed or left out (line numbers of the source):"]
    head += [f"#   {change}" for change in [*draft.changes, *notes]] or ["#   nothing"]
    findings = kind_findings(data, source)
    if findings:
        head += ["# What the 文种 asks that the draft lacks:"] + [f"#   {f}" for f in findings]
    # a raw control character even in a comment makes the whole file unreadable YAML
    head = [printable(line) for line in head]
    return "\n".join(head) + "\n" + dump_plan(data)


def write_plan(draft: Draft, source: Path, path: Path) -> Path:
    from pipeline.writers.atomic import atomic_path

    with atomic_path(path) as tmp:
        tmp.write_text(plan_text(draft, source), encoding="utf-8")
    return path
