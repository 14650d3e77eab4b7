"""The certificate plan: which design, who awards, the wording, the number series, the columns.

```yaml
design: full                  # full | overprint (套打) | my-design.docx | my-design.html
title: 荣誉证书
organ: 中共青山镇委员会
date: 2026-01-15
seal: seals/qingshan-party-committee.png
wording: "{{ 姓名 }}同志：在{{ 年度 }}年度……被评为“{{ 荣誉称号 }}”。特发此证，以资鼓励。"
number: {code: 青党证, pattern: "青党证〔{year}〕{seq}号"}
columns: {名字: 姓名}          # roster header → field name, where they differ
key: [姓名, 单位, 荣誉称号]     # what identifies one certificate
```
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pipeline import limits
from pipeline.errors import PlanError
from pipeline.readers.inputfile import check_file, check_zip
from pipeline.readers.validation import plan_error
from pipeline.readers.yamlsource import Located, load_located
from pipeline.forms import DOC_NUMBER_PATTERN, format_date

FIELD = re.compile(r"{{\s*([^\s{}|.]+)\s*}}")
BUILT_IN = ("full", "overprint")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)


Mm = Annotated[float, Field(ge=-limits.MAX_PAPER_MM, le=limits.MAX_PAPER_MM)]
Nudge = Annotated[float, Field(ge=-limits.MAX_OFFSET_MM, le=limits.MAX_OFFSET_MM)]
Paper = Annotated[float, Field(ge=50, le=limits.MAX_PAPER_MM)]


class NumberPlan(_Strict):
    code: str  # the register's series, e.g. 青党证
    pattern: str = DOC_NUMBER_PATTERN  # how the number prints: {code} {year} {seq}
    year: Optional[int] = Field(None, ge=1900, le=2999)  # default: the award date's year

    @field_validator("code")
    @classmethod
    def _code(cls, value):
        from pipeline.register.registry import RegisterError, check_code

        try:
            return check_code(value)
        except RegisterError as exc:
            raise ValueError(exc.message) from None

    @field_validator("pattern")
    @classmethod
    def _pattern(cls, value):
        # a width from the plan ({seq:>1000000000}) or from a value ({seq:{year}}) would
        # make one number a gigabyte
        if re.search(r"\{[^{}]*:[^{}]*(\d{3,}|\{)", value):
            raise ValueError(f"'{value}': a format width of at most two digits, e.g. {{seq:03d}}")
        try:
            value.format(code="X", year=2026, seq=1)
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"'{value}' may use {{code}}, {{year}} and {{seq}} only ({exc})") from None
        return value


class OverprintField(_Strict):
    x: Mm  # mm from the paper's left edge to the box's left
    y: Mm  # mm from the paper's top edge to the box's top
    width: float = Field(80, gt=0, le=limits.MAX_PAPER_MM)
    size: float = Field(20, gt=4, lt=80)  # pt
    align: str = "left"


class OverprintPlan(_Strict):
    paper_mm: tuple[Paper, Paper] = (297.0, 210.0)  # the pre-printed sheet, width × height
    offset_mm: tuple[Nudge, Nudge] = (0.0, 0.0)  # printer calibration: right, down
    fields: dict[str, OverprintField] = {}


class CertificatePlan(_Strict):
    design: str = "full"
    title: str = Field("荣誉证书", max_length=limits.MAX_LINE_CHARS)
    organ: str = Field(max_length=limits.MAX_LINE_CHARS)
    date: str
    seal: Optional[str] = None
    seal_size_mm: float = Field(42, gt=10, lt=80)
    wording: str = Field(max_length=limits.MAX_LONG_LINE_CHARS)
    number: Optional[NumberPlan] = None
    columns: dict[str, str] = {}
    key: list[str] = []
    required: list[str] = []
    dates: list[str] = []  # roster fields that hold dates
    params: dict[str, str] = {}  # fixed values the wording may use ({{ 年度 }} …)
    overprint: OverprintPlan = OverprintPlan()

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, value):
        return format_date(value)

    def fields(self) -> list[str]:
        """The roster fields the wording uses."""
        return [f for f in dict.fromkeys(FIELD.findall(self.wording))
                if f not in self.params and f != "证书编号"]

    def required_fields(self) -> list[str]:
        return self.required or self.fields()


def read_certificate_plan(path: Path) -> tuple[CertificatePlan, Located]:
    src = load_located(Path(path))
    if not isinstance(src.data, dict):
        raise PlanError("a certificate plan is a set of 'name: value' lines", file=src.file)
    try:
        plan = CertificatePlan.model_validate(src.data)
    except ValidationError as exc:
        raise plan_error(exc, src, CertificatePlan) from None
    design = plan.design
    if design not in BUILT_IN:
        custom = (src.file.parent / design)
        if custom.suffix.lower() not in (".docx", ".html", ".htm"):
            raise PlanError(f"design '{design}': use full, overprint, a .docx or an .html file",
                            file=src.file, line=src.line_of(("design",)), field="design")
        where = dict(file=src.file, line=src.line_of(("design",)), field="design")
        check_file(custom, "design file", error=PlanError, **where)
        if custom.suffix.lower() == ".docx":
            check_zip(custom, "design file", PlanError, **where)
    if not plan.fields():
        raise PlanError("the wording uses no roster field, e.g. {{ 姓名 }}", file=src.file,
                        line=src.line_of(("wording",)), field="wording")
    return plan, src
