"""Runs every registered rule that applies to a measured file (its source and its format)."""
from __future__ import annotations

import pipeline.check.rules  # noqa: F401  (importing the rule modules registers them)
from pipeline.check.findings import Finding
from pipeline.check.registry import REGISTRY, Rule


def rules() -> list[Rule]:
    return list(REGISTRY.values())


def run(measured) -> list[Finding]:
    out = []
    for r in rules():
        if r.applies(measured):
            out += [Finding(h.location, r.id, r.clause, h.severity, h.message, h.fix)
                    for h in r.check(measured)]
    return out
