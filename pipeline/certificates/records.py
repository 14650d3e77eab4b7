"""One certificate's content: the roster row's fields, its number, and the text of each box."""
from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.certificates.design import Design, fitted_size, split_wording
from pipeline.certificates.plan import CertificatePlan
from pipeline.errors import PlanError
from pipeline.transforms.placeholders import fill
from pipeline.text.width import text_chars


@dataclass(slots=True)  # tens of thousands in one run: no __dict__ each
class Certificate:
    row: int  # the roster's row number, as Excel shows it
    seq: int  # position among the valid rows, 1-based: file names and merged order
    key: str  # identifies the certificate in the register and across re-runs
    fields: dict[str, str]  # roster fields (mapped) + params + 证书编号
    number: str = ""
    texts: dict[str, str] = field(default_factory=dict)  # box name → text
    sizes: dict[str, float] = field(default_factory=dict)  # box name → pt


def key_of(plan: CertificatePlan, values: dict[str, str]) -> str:
    fields = plan.key or [f for f in ("姓名", "单位", "荣誉称号") if f in values] or list(values)
    return "|".join(values.get(f, "") for f in fields)


def compose(cert: Certificate, plan: CertificatePlan, design: Design | None) -> Certificate:
    """Fill the wording and the boxes of a built-in design (a user's design gets the fields),
    with the certificate's number where it has one."""
    context = {**plan.params, **cert.fields, "证书编号": cert.number}
    try:
        wording = fill(plan.wording, context)
    except ValueError as exc:
        raise PlanError(f"row {cert.row}: {exc}", field="wording") from None
    cert.fields["证书编号"] = cert.number
    cert.fields["证书内容"] = wording
    if design is None:
        return cert
    salutation, body = split_wording(wording)
    texts = {"title": plan.title, "salutation": salutation, "body": body, "organ": plan.organ,
             "date": plan.date, "number": f"证书编号：{cert.number}" if cert.number else ""}
    for box in design.boxes:
        text = texts.get(box.name, cert.fields.get(box.name, ""))
        cert.texts[box.name] = text
        cert.sizes[box.name] = fitted_size(box, text, text_chars)
    return cert


@dataclass
class Characters:
    """The characters a run sets, by box (a user's design: by field): every one used, and
    those on every certificate (the wording's fixed words). Gathered a certificate at a time,
    so no list of everyone's texts is kept; the font subsets and checks are made from it."""
    used: dict[str, set[str]] = field(default_factory=dict)
    common: dict[str, set[str]] = field(default_factory=dict)

    def add(self, texts: dict[str, str]) -> None:
        for name, text in texts.items():
            chars = set(text)
            self.used.setdefault(name, set()).update(chars)
            if name not in self.common:
                self.common[name] = chars
            elif self.common[name]:
                self.common[name] &= chars

    def of(self, cert: Certificate, design: Design | None) -> None:
        """A certificate's texts: its boxes' on a built-in design, else its fields."""
        self.add(cert.texts if design is not None else cert.fields)

    def all(self) -> set[str]:
        return set().union(*self.used.values())
