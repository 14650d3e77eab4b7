"""The plan file (YAML): what a clerk writes, validated and turned into the document model.

The schema is in the README. Every problem is reported with file, line and field.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Optional, Union

from pydantic import (BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator,
                      model_validator)

from pipeline import limits, model
from pipeline.data import SECTIONS as DATA_SECTIONS, place_blocks, report_context
from pipeline.errors import PlanError
from pipeline.forms import check_doc_number, format_date
from pipeline.readers.body import parse_body
from pipeline.readers.validation import plan_error
from pipeline.readers.yamlsource import Located, dotted, load_located
from pipeline import standard as gb
from pipeline.standard import COPY_NUMBER_DIGITS, SEAL_DIAMETER_MM, STAMP_HEIGHT_MM
from pipeline.transforms.placeholders import fill_tree, time_budget

Text = str
OneOrMany = Union[str, list[str]]

SECRECY = re.compile(r"^(绝密|机密|秘密)(★\S+)?$")
URGENCY = ("特急", "加急")


class _Strict(BaseModel):
    # nan and inf are numbers to YAML (.nan, .inf) but no length on paper
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)


def _short(value, limit: int = limits.MAX_LINE_CHARS):
    """Every text in a one-line field (or list of them) within limit characters, and a list
    of at most MAX_LIST_ITEMS."""
    if isinstance(value, list) and len(value) > limits.MAX_LIST_ITEMS:
        raise ValueError(f"has {len(value)} items; at most {limits.MAX_LIST_ITEMS}")
    for item in [value] if isinstance(value, str) else (value or []):
        if isinstance(item, str) and len(item) > limit:
            raise ValueError(f"'{item[:20]}…' has {len(item)} characters; at most {limit}")
    return value


class SignaturePlan(_Strict):
    organ: Optional[OneOrMany] = None  # defaults to the issuing organ(s)
    date: Any  # 成文日期
    seal: Optional[OneOrMany] = None  # PNG path(s), relative to the plan, one per organ
    seal_size_mm: float = Field(SEAL_DIAMETER_MM, gt=10, lt=80)
    seal_offset_mm: tuple[Annotated[float, Field(ge=-limits.MAX_OFFSET_MM,
                                                 le=limits.MAX_OFFSET_MM)],
                          Annotated[float, Field(ge=-limits.MAX_OFFSET_MM,
                                                 le=limits.MAX_OFFSET_MM)]] = (0.0, 0.0)
    # 签名章 form (a 令, GB/T 9704 7.3.5.3): the signer's 职务 and signature-stamp image
    title: Optional[Text] = None
    stamp: Optional[Text] = None  # PNG path, relative to the plan
    stamp_height_mm: float = Field(STAMP_HEIGHT_MM, gt=5, lt=60)

    _organ = field_validator("organ")(lambda v: _short(v))
    _title = field_validator("title")(lambda v: _short(v))

    @field_validator("date")
    @classmethod
    def _date(cls, value):
        return format_date(value)


class ClosingPlan(_Strict):
    cc: Optional[OneOrMany] = None  # 抄送
    printer: Optional[Text] = None  # 印发机关
    date: Any = None  # 印发日期

    _printer = field_validator("printer")(lambda v: _short(v))
    _cc = field_validator("cc")(lambda v: _short(v, limits.MAX_LONG_LINE_CHARS))

    @field_validator("date")
    @classmethod
    def _date(cls, value):
        return format_date(value) if value is not None else None


class MeetingPlan(_Strict):
    """What a 纪要 adds: its number line and who attended (GB/T 9704 10.3)."""
    issue: Optional[Text] = None  # 第12期
    present: Optional[OneOrMany] = None  # 出席
    absent: Optional[OneOrMany] = None  # 请假
    attending: Optional[OneOrMany] = None  # 列席

    _issue = field_validator("issue")(lambda v: _short(v))
    _lists = field_validator("present", "absent", "attending")(
        lambda v: _short(v, limits.MAX_LONG_LINE_CHARS))


class AttachmentPlan(_Strict):
    title: Text = Field(max_length=limits.MAX_TITLE_CHARS)
    body: Optional[Text] = Field(None, max_length=limits.MAX_TEXT_CHARS)  # absent: only named


class Plan(_Strict):
    kind: Optional[Text] = None  # 文种
    id: Optional[Text] = None  # key for the number register
    copy_number: Optional[Union[int, Text]] = None  # 份号
    copies: Optional[int] = Field(None, ge=1, le=limits.MAX_COPIES)  # printed copies
    secrecy: Optional[Text] = None  # 密级和保密期限
    urgency: Optional[Text] = None  # 紧急程度
    organ: OneOrMany  # 发文机关
    format: Optional[Text] = None  # 文件 | 信函 | 命令 | 纪要 (GB/T 9704 clause 10); default by kind
    mark_suffix: Optional[Text] = None  # default by format (standard.MARK_SUFFIX_OF_FORMAT)
    order_number: Optional[Text] = None  # 令号 of a 命令, e.g. 第5号
    meeting: Optional[MeetingPlan] = None  # a 纪要's number line and attendance
    number: Optional[Text] = None  # 发文字号, or "auto" to take the next from the register
    number_code: Optional[Text] = None  # 机关代字 for number: auto, e.g. 青政
    signers: Optional[OneOrMany] = None  # 签发人
    title: Text = Field(max_length=limits.MAX_TITLE_CHARS)
    # 题注 under the title, e.g. a 决议's adoption line (2026年1月10日…会议通过); the
    # parentheses are printed for it
    title_note: Optional[Text] = None
    to: Optional[Text] = Field(None, max_length=limits.MAX_LONG_LINE_CHARS)  # 主送机关
    params: dict[str, Any] = {}
    body: Text = Field(max_length=limits.MAX_TEXT_CHARS)
    attachments: list[AttachmentPlan] = Field([], max_length=limits.MAX_LIST_ITEMS)
    signature: Optional[SignaturePlan] = None
    note: Optional[Text] = Field(None, max_length=limits.MAX_LONG_LINE_CHARS)  # 附注
    closing: Optional[ClosingPlan] = None  # 版记
    # reports from spreadsheets: validated and computed by pipeline/data (schema.py there)
    data: dict[str, Any] = {}
    tables: dict[str, Any] = {}
    figures: dict[str, Any] = {}
    charts: dict[str, Any] = {}
    _report: Any = PrivateAttr(None)  # pipeline.data.Report: the computed tables and charts
    _warnings: list = PrivateAttr(default_factory=list)  # what the 文种 rules warn of

    @field_validator("kind", "id", "mark_suffix", "number_code", "signers", "secrecy",
                     "urgency", "order_number")
    @classmethod
    def _one_line(cls, value):
        return _short(value)

    @field_validator("format")
    @classmethod
    def _format(cls, value):
        if value is not None and value not in gb.FORMATS:
            raise ValueError(f"'{value}' is not a format: write one of "
                             + ", ".join(gb.FORMATS))
        return value

    @field_validator("organ")
    @classmethod
    def _organ(cls, value):
        if not as_list(value):
            raise ValueError("names no organ; write the issuing organ, e.g. organ: 青山镇人民政府")
        return _short(value)

    @field_validator("number_code")
    @classmethod
    def _number_code(cls, value):
        if value is None:
            return None
        from pipeline.register.registry import RegisterError, check_code

        try:
            return check_code(value)
        except RegisterError as exc:
            raise ValueError(exc.message) from None

    @field_validator("copies", "copy_number", mode="before")
    @classmethod
    def _not_yes_no(cls, value):
        # YAML reads true/yes/on as a boolean, which pydantic would take as 1
        if isinstance(value, bool):
            raise ValueError(f"'{str(value).lower()}' is not a number")
        return value

    @field_validator("copy_number")
    @classmethod
    def _copy_number(cls, value):
        if value is None:
            return None
        text = str(value).strip()
        if not text.isdigit() or len(text) > COPY_NUMBER_DIGITS:
            raise ValueError(f"'{value}' is not a copy number of up to 6 digits, e.g. 000001")
        return text.zfill(COPY_NUMBER_DIGITS)

    @field_validator("secrecy")
    @classmethod
    def _secrecy(cls, value):
        if value is None:
            return None
        value = value.replace("*", "★").replace("☆", "★")
        if not SECRECY.match(value):
            raise ValueError(f"'{value}' is not a secrecy mark: 绝密, 机密 or 秘密, optionally "
                             "with ★ and a term, e.g. 机密★1年")
        return value

    @field_validator("urgency")
    @classmethod
    def _urgency(cls, value):
        if value is not None and value not in URGENCY:
            raise ValueError(f"'{value}' is not an urgency: write 特急 or 加急")
        return value

    @field_validator("number")
    @classmethod
    def _number(cls, value):
        if value is None:
            return None
        if value.strip().lower() == "auto":
            return "auto"
        return check_doc_number(value)

    @field_validator("title_note")
    @classmethod
    def _title_note(cls, value):
        if value is None:
            return None
        value = _short(value).strip().strip("()（）").strip()
        if not value:
            raise ValueError("the title note is empty; remove title_note or write the line, e.g. "
                             "2026年1月10日青山镇第十八届人民代表大会第五次会议通过")
        return value

    @field_validator("title")
    @classmethod
    def _title(cls, value):
        if not value.strip():
            raise ValueError("the title is empty")
        return value

    @field_validator("body")
    @classmethod
    def _body(cls, value):
        if not value.strip():
            raise ValueError("the body is empty; the first page must show body text")
        return value

    @model_validator(mode="after")
    def _organs_together(self):
        # the organs joined are the document's author in its properties, which Word and
        # python-docx cap at 255 characters
        joined = "、".join(as_list(self.organ))
        if len(joined) > limits.MAX_ORGANS_CHARS:
            raise ValueError(f"the organs together have {len(joined)} characters; at most "
                             f"{limits.MAX_ORGANS_CHARS} (field 'organ')")
        return self

    @model_validator(mode="after")
    def _copies(self):
        if self.copies and self.copy_number:
            raise ValueError("give either copy_number (one copy) or copies (how many), not both")
        if self.number == "auto" and not self.number_code:
            raise ValueError("number: auto needs number_code, the organ code (机关代字) the "
                             "register numbers under, e.g. number_code: 青政")
        return self


def as_list(value: OneOrMany | None) -> list[str]:
    if value is None:
        return []
    items = [value] if isinstance(value, str) else value
    return [item.strip() for item in items if item and item.strip()]


def read_plan(path: Path, row: dict | None = None) -> tuple[Plan, Located]:
    """Read and validate a plan; `row` (one row of a batch) fills {{ row.列名 }}."""
    return _validated(load_located(path), row)


def plan_from_data(data: dict, file: Path) -> tuple[Plan, Located]:
    """Validate plan data made in memory (an import's), as read_plan validates a file's;
    `file` is the name messages give (the data has no lines)."""
    return _validated(Located(data, {}, Path(file)), None)


def _validated(src: Located, row: dict | None) -> tuple[Plan, Located]:
    params = src.data.get("params") or {}
    if not isinstance(params, dict):
        raise PlanError("should be a set of 'name: value' lines", file=src.file,
                        line=src.line_of(("params",)), field="params")

    def fail(at: tuple, message: str):
        raise PlanError(message, file=src.file, line=src.line_of(at), field=dotted(at))

    context = {"params": params, **({"row": row} if row is not None else {})}
    # the spreadsheets are read and the charts drawn before the placeholders' time budget
    # starts: that work is bounded by the data's own limits, not by template time
    report = report_context(src, context, fail)
    if report:
        context.update(report.context)
    with time_budget(limits.TEMPLATE_DOCUMENT_SECONDS, "the plan's placeholders together"):
        data = {k: (v if k in ("params", *DATA_SECTIONS) else fill_tree(v, context, fail, (k,)))
                for k, v in src.data.items()}
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        raise plan_error(exc, src, Plan) from None
    plan._report = report
    check_format(plan, lambda at, message: fail(at, message))
    return plan, src


def format_of(plan: Plan) -> str:
    """The plan's format: as written, else the one its kind takes (GB/T 9704 clause 10)."""
    return plan.format or gb.FORMAT_OF_KIND.get(plan.kind or "", gb.FORMAT_DOCUMENT)


def check_format(plan: Plan, fail) -> None:
    """What one format requires or forbids, each named by its field. `fail(path, message)`
    raises."""
    fmt = format_of(plan)
    sig = plan.signature
    if plan.meeting is not None and fmt != gb.FORMAT_MINUTES:
        fail(("meeting",), f"meeting (出席, 请假, 列席) belongs to a 纪要; this plan is in the "
                           f"{fmt} format (write format: 纪要, or remove meeting)")
    if plan.order_number and fmt != gb.FORMAT_ORDER:
        fail(("order_number",), f"order_number (令号) belongs to a 命令（令）; this plan is in "
                                f"the {fmt} format (write format: 命令, or remove order_number)")
    if sig is not None and (sig.stamp or sig.title) and fmt != gb.FORMAT_ORDER:
        at = ("signature", "stamp" if sig.stamp else "title")
        fail(at, f"{dotted(at)} (签名章 and 职务) belongs to a 命令（令）; this plan is in the "
                 f"{fmt} format")
    if fmt == gb.FORMAT_MINUTES and sig is not None and sig.seal:
        fail(("signature", "seal"), "a 纪要 carries no seal (GB/T 9704 10.3); remove "
                                    "signature.seal")
    if fmt == gb.FORMAT_ORDER:
        if not plan.order_number:
            fail(("order_number",), "a 命令（令） needs its 令号: write order_number, e.g. "
                                    "order_number: 第5号")
        if sig is None or not sig.stamp:
            fail(("signature", "stamp"), "a 命令（令） ends with the signer's 签名章: write "
                                         "signature.stamp, the path of the stamp's PNG image")
        if not sig.title:
            fail(("signature", "title"), "a 命令（令） names the signer's 职务 beside the "
                                         "签名章: write signature.title, e.g. title: 县长")
        if sig.seal:
            fail(("signature", "seal"), "a 命令（令） is signed with the 签名章, not sealed; "
                                        "remove signature.seal")


def _body_start(src: Located, path: tuple) -> int | None:
    line = src.line_of(path)
    return line + 1 if line else None


def check_kind(doc: model.Document, plan: Plan, src: Located) -> None:
    """The 文种 rules (pipeline.kinds): the first error stops with the plan field it names;
    warnings are kept on the plan for the build to print."""
    from pipeline import kinds

    for finding in kinds.check(doc):
        if finding.rule.severity == kinds.ERROR:
            raise PlanError(finding.message, file=src.file, line=src.line_of((finding.rule.field,)),
                            field=finding.rule.field)
        plan._warnings.append(f"warning: {finding.message} (field '{finding.rule.field}')")


def to_document(plan: Plan, src: Located) -> model.Document:
    """The document model of a validated plan (seal images are attached by the build)."""
    organs = as_list(plan.organ)
    fmt = format_of(plan)
    # a joint letter shows the lead organ's mark only (GB/T 9704 10.1)
    marked = organs[:1] if fmt == gb.FORMAT_LETTER else organs
    suffix = plan.mark_suffix if plan.mark_suffix is not None else gb.MARK_SUFFIX_OF_FORMAT[fmt]
    header = model.Header(
        organ_names=marked,
        mark_suffix=suffix,
        copy_number=plan.copy_number or "",
        secrecy=plan.secrecy or "",
        urgency=plan.urgency or "",
        number="" if plan.number == "auto" else plan.number or "",
        signers=as_list(plan.signers),
    )
    addressees = (plan.to or "").rstrip(":：")
    doc = model.Document(
        header=header,
        title=plan.title,
        title_note=plan.title_note or "",
        addressees=f"{addressees}：" if addressees else "",
        blocks=place_blocks(parse_body(plan.body, file=src.file,
                                       first_line=_body_start(src, ("body",))), plan._report, src),
        note=(plan.note or "").strip("()（） "),
        kind=plan.kind or "",
        format=fmt,
        order_number=plan.order_number or "",
        key=plan.id or f"plan:{src.file.resolve()}",
        number_code=plan.number_code if plan.number == "auto" else "",
        source=src.file,
    )
    for i, att in enumerate(plan.attachments):
        doc.attachment_names.append(att.title)
        if att.body:
            field = f"attachments[{i + 1}].body"
            doc.attachments.append(model.Attachment(
                title=att.title,
                blocks=place_blocks(parse_body(
                    att.body, file=src.file, field=field,
                    first_line=_body_start(src, ("attachments", i, "body"))), plan._report, src,
                    ("attachments", i, "body"))))
    if plan.meeting is not None or fmt == gb.FORMAT_MINUTES:
        m = plan.meeting or MeetingPlan()
        doc.meeting = model.Meeting(issue=m.issue or "", present=as_list(m.present),
                                    absent=as_list(m.absent), attending=as_list(m.attending))
    if plan.signature:
        doc.signature = model.Signature(organs=as_list(plan.signature.organ) or organs,
                                        date=plan.signature.date,
                                        signer_title=plan.signature.title or "")
    if plan.closing:
        cc = "，".join(as_list(plan.closing.cc)).rstrip("。.")
        # a letter's 版记 has no printing office or date (GB/T 9704 10.1)
        letter = fmt == gb.FORMAT_LETTER
        doc.closing = model.Closing(copies_to=f"{cc}。" if cc else "",
                                    printer="" if letter else plan.closing.printer or "",
                                    print_date="" if letter else plan.closing.date or "")
    return doc
