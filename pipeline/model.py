"""The document model: one tree for a 公文, read by every writer.

Readers build it, transforms refine it (labels, dates, title lines), writers only lay it out.
All text here is final: placeholders filled, dates in 2026年3月20日 form, headings labelled.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Union


@dataclass
class Heading:
    level: int  # 1..4
    text: str
    label: str = ""  # 一、 （一） 1. （1）, set by transforms.numbering
    # A run-in heading (一、明确目标，压实责任。各村要……): the paragraph's own text runs on
    # after the heading, in the body font; label and heading text keep the level's font.
    body: str = ""


@dataclass
class Paragraph:
    text: str


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    caption: str = ""  # 表1 …, centred above the table
    unit: str = ""  # 万元 → "单位：万元" on the right, just above the table
    total: list[str] | None = None  # the 合计 row, set last and summed by pipeline.data
    align: list[str] = field(default_factory=list)  # per column: center | right; [] = center


@dataclass
class Figure:
    """A chart or picture standing in the body at the core's width."""
    png: bytes  # for the .docx (every Word and WPS shows PNG)
    svg: bytes  # vector, for the PDF; b"" to use the PNG
    lines: int  # height in body lines: pagination counts it like text
    caption: str = ""  # 图1 …, centred below
    alt: str = ""  # text for readers that cannot see the picture


Block = Union[Heading, Paragraph, Table, Figure]


@dataclass
class Seal:
    png: bytes  # a red, transparent PNG prepared by transforms.seal
    diameter_mm: float
    offset_mm: tuple[float, float] = (0.0, 0.0)  # (right, down) nudge from the standard spot


@dataclass
class Stamp:
    """A 签名章: the signer's signature-stamp image (命令格式, GB/T 9704 7.3.5.3)."""
    png: bytes
    height_mm: float


@dataclass
class Signature:
    organs: list[str]  # one per issuing organ, in issuing order
    date: str  # 成文日期, 2026年3月20日
    seals: list[Seal] = field(default_factory=list)  # empty, or one per organ
    # 签名章 form (a 令): the signer's 职务 and stamp stand instead of the organ names and seals
    signer_title: str = ""  # 职务, e.g. 县长
    stamp: Stamp | None = None


@dataclass
class Attachment:
    title: str
    blocks: list[Block] = field(default_factory=list)
    title_lines: list[str] = field(default_factory=list)


@dataclass
class Closing:  # 版记
    copies_to: str = ""  # 抄送, without the label
    printer: str = ""  # 印发机关
    print_date: str = ""  # 印发日期, 2026年3月20日

    def __bool__(self) -> bool:
        return bool(self.copies_to or self.printer or self.print_date)


@dataclass
class Meeting:
    """What a 纪要 adds: its own number line and the attendance lists after the body."""
    issue: str = ""  # the meeting's number line, e.g. 第12期
    present: list[str] = field(default_factory=list)  # 出席, units and names
    absent: list[str] = field(default_factory=list)  # 请假
    attending: list[str] = field(default_factory=list)  # 列席


@dataclass
class Header:  # 版头
    organ_names: list[str]  # one, or several for a joint issuance
    mark_suffix: str = "文件"  # "文件", or "" for a mark that is just the name(s)
    copy_number: str = ""  # 份号, six digits
    secrecy: str = ""  # 密级和保密期限, e.g. 机密★1年
    urgency: str = ""  # 紧急程度: 特急 / 加急
    number: str = ""  # 发文字号, e.g. 舟组基〔2012〕19号
    signers: list[str] = field(default_factory=list)  # 签发人


@dataclass
class Document:
    header: Header
    title: str
    title_lines: list[str] = field(default_factory=list)  # set by transforms.title
    # 题注: a line in parentheses under the title, e.g. a 决议's adoption line
    # (2026年1月10日…会议通过), without the parentheses; the writers add them
    title_note: str = ""
    title_note_lines: list[str] = field(default_factory=list)  # in parentheses, set by the build
    addressees: str = ""  # 主送机关, ends with ：
    blocks: list[Block] = field(default_factory=list)
    attachment_names: list[str] = field(default_factory=list)  # 附件说明
    signature: Signature | None = None
    note: str = ""  # 附注, without parentheses
    attachments: list[Attachment] = field(default_factory=list)
    closing: Closing = field(default_factory=Closing)
    kind: str = ""  # 文种 (意见, 通知, 报告 ...)
    format: str = "文件"  # 文件 / 信函 / 命令 / 纪要 (standard.FORMATS, GB/T 9704 clause 10)
    order_number: str = ""  # 令号 of a 命令, e.g. 第5号
    meeting: Meeting | None = None  # a 纪要's number line and attendance
    key: str = ""  # the document's key for the number register
    number_code: str = ""  # set when the register is to allocate the number (number: auto)
    source: Path | None = None  # the plan it came from, for messages and metadata
