"""`gongwen check`: findings against GB/T 9704-2012 for a .docx, a PDF, a plan or a draft.

A file is measured once (measure.py: printed pages, .docx XML, recognised text, the format
page 1 shows); the rules registered in registry.py, one module per part of the standard in
rules/, each read what they need from that measurement.
"""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from pipeline.check.findings import ERROR, WARNING, Finding  # noqa: F401
from pipeline.check.measure import measure
from pipeline.check.runner import run
from pipeline.check.spots import finding_spots  # noqa: F401


def check_file(path: Path, rendered: Path | None = None) -> list[Finding]:
    """Findings for one file. `rendered`: a .docx's LibreOffice PDF when the caller has one."""
    return run(measure(Path(path), rendered))


def report(path: Path, findings: list[Finding], as_json: bool) -> str:
    if as_json:
        return json.dumps({"file": str(path), "findings": [asdict(f) for f in findings],
                           "errors": sum(f.severity == ERROR for f in findings)},
                          ensure_ascii=False, indent=2)
    if not findings:
        return f"{path}: no findings"
    return "\n".join(f"{path}: {f}" for f in findings)
