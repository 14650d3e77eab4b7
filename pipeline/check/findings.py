"""What a check reports: one finding per problem, with the rule and the clause it breaks."""
from __future__ import annotations

from dataclasses import dataclass

ERROR, WARNING = "error", "warning"


@dataclass
class Finding:
    location: str
    rule: str
    clause: str
    severity: str
    message: str
    fix: str

    def __str__(self) -> str:
        return (f"{self.location}: {self.severity}: [{self.rule}, {self.clause}] {self.message}"
                f" — fix: {self.fix}")


@dataclass
class Hit:
    """What a rule function yields; the registry adds the rule's id and clause."""
    location: str
    message: str
    fix: str
    severity: str = ERROR
