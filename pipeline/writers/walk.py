"""One walk of the document model in the standard's element order; a writer is a set of rules.

GB/T 9704 lays a 公文 out as 版头 → 主体 → 版记 (clause 7), each part a fixed sequence of
elements. `walk` yields those elements in that order, once, for every writer; a writer
supplies one rule per element kind (as markdown-it's renderer keeps `rules[token.type]`).
A new element is a new kind here plus one rule in each writer: a writer that lacks a rule
for some kind fails when its module is imported, not on the first document that has one.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator

from pipeline import standard as gb
from pipeline.model import Document, Figure, Heading, Paragraph, Table

# Element kinds, in the order the standard sets them (7.2 版头, 7.3 主体, 7.4 版记).
HEADER_LINES = "header_lines"  # 份号, 密级和保密期限, 紧急程度 (7.2.1-7.2.3)
ORGAN_MARK = "organ_mark"  # 发文机关标志 (7.2.4)
DOC_NUMBER = "doc_number"  # 发文字号, 签发人, the red separator line (7.2.5-7.2.7)
TITLE = "title"  # 标题 (7.3.1)
TITLE_NOTE = "title_note"  # 题注 under the title (a 决议's adoption line): practice, not named by 7.3
ADDRESSEES = "addressees"  # 主送机关 (7.3.2)
HEADING = "heading"  # 正文 (7.3.3): headings, paragraphs, tables, charts
PARAGRAPH = "paragraph"
TABLE = "table"
FIGURE = "figure"
ATTACHMENT_NOTE = "attachment_note"  # 附件说明 (7.3.4)
SIGNATURE = "signature"  # 署名, 成文日期, 印章 (7.3.5)
NOTE = "note"  # 附注 (7.3.6)
ATTACHMENT = "attachment"  # 附件 (7.3.7): its label and title; its blocks follow as body kinds
CLOSING = "closing"  # 版记 (7.4)
# The special formats (clause 10) put their own elements in place of the 文件 format's.
LETTER_HEAD = "letter_head"  # 信函: mark, red double lines, 份号 … and 发文字号 (10.1)
ORDER_HEAD = "order_head"  # 命令（令）: mark + 令, the 令号, the blank lines before the body (10.2)
MINUTES_HEAD = "minutes_head"  # 纪要: mark, the number line (第12期), date, red line (10.3)
STAMP_SIGNATURE = "stamp_signature"  # 职务, 签名章 and 成文日期 (7.3.5.3), a 令's signature
ATTENDANCE = "attendance"  # 出席, 请假, 列席 after a 纪要's body (10.3)

KINDS = (HEADER_LINES, ORGAN_MARK, DOC_NUMBER, TITLE, TITLE_NOTE, ADDRESSEES, HEADING,
         PARAGRAPH, TABLE, FIGURE, ATTACHMENT_NOTE, SIGNATURE, NOTE, ATTACHMENT, CLOSING,
         LETTER_HEAD, ORDER_HEAD, MINUTES_HEAD, STAMP_SIGNATURE, ATTENDANCE)

_BLOCK_KINDS = {Heading: HEADING, Paragraph: PARAGRAPH, Table: TABLE, Figure: FIGURE}


@dataclass(frozen=True)
class Element:
    kind: str
    node: Any  # the model object the element shows (Header, Heading, Signature, ...)
    scope: int = -1  # -1: the main text; i: attachment i
    index: int = 0  # position among the blocks of its scope
    where: str = ""  # how a message names it: 标题, 正文第3段, 附件2第1段 ...


def attachment_label(index: int, count: int) -> str:
    """附件, or 附件1, 附件2 ... when there are several (GB/T 9704 7.3.7)."""
    return f"附件{index + 1}" if count > 1 else "附件"


def _blocks(blocks, scope: int, where: str) -> Iterator[Element]:
    for n, block in enumerate(blocks):
        yield Element(_BLOCK_KINDS[type(block)], block, scope, n, f"{where}第{n + 1}段")


def walk(doc: Document) -> Iterator[Element]:
    """Every element of the document that is present, in the standard's order."""
    h, fmt = doc.header, doc.format
    if fmt == gb.FORMAT_LETTER:  # its 份号, 密级, 紧急程度 stand under the double line
        yield Element(LETTER_HEAD, doc, where="发文机关标志")
    elif h.copy_number or h.secrecy or h.urgency:
        yield Element(HEADER_LINES, h, where="版头")
    if fmt == gb.FORMAT_ORDER:
        yield Element(ORDER_HEAD, doc, where="发文机关标志")
    elif fmt == gb.FORMAT_MINUTES:
        yield Element(MINUTES_HEAD, doc, where="发文机关标志")
    elif fmt != gb.FORMAT_LETTER:
        yield Element(ORGAN_MARK, h, where="发文机关标志")
        yield Element(DOC_NUMBER, h, where="发文字号")
    if fmt != gb.FORMAT_ORDER:  # a 令's body follows its 令号; the title names it in files
        yield Element(TITLE, doc, where="标题")
        if doc.title_note:
            yield Element(TITLE_NOTE, doc, where="题注")
    # without 主送机关 (通告, 决议) a 文件 keeps the blank line above it: the element's text is ""
    if doc.addressees or fmt == gb.FORMAT_DOCUMENT:
        yield Element(ADDRESSEES, doc.addressees, where="主送机关")
    yield from _blocks(doc.blocks, -1, "正文")
    if doc.attachment_names:
        yield Element(ATTACHMENT_NOTE, doc.attachment_names, where="附件说明")
    if fmt == gb.FORMAT_MINUTES:  # not signed (no 署名, no seal): its date is in the head
        if doc.meeting and (doc.meeting.present or doc.meeting.absent or doc.meeting.attending):
            yield Element(ATTENDANCE, doc.meeting, where="出席")
    elif doc.signature and doc.signature.stamp:
        yield Element(STAMP_SIGNATURE, doc.signature, where="签名章")
    elif doc.signature:
        yield Element(SIGNATURE, doc.signature, where="署名")
    if doc.note:
        yield Element(NOTE, doc.note, where="附注")
    count = len(doc.attachments)
    for i, att in enumerate(doc.attachments):
        label = attachment_label(i, count)
        yield Element(ATTACHMENT, att, i, where=label)
        yield from _blocks(att.blocks, i, label)
    if doc.closing:
        yield Element(CLOSING, doc.closing, where="版记")


def rule(kind: str) -> Callable:
    """Mark a writer method as the rule for one element kind."""
    if kind not in KINDS:
        raise ValueError(f"no element kind {kind!r}")

    def mark(method):
        method.element_kind = kind
        return method
    return mark


class Writer:
    """Base of the writers: collects the methods marked with `rule` into `rules` and runs
    them over `walk`. A subclass must have a rule for every kind."""
    rules: dict[str, Callable]

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        rules = {}
        for klass in reversed(cls.__mro__):
            for attr in vars(klass).values():
                kind = getattr(attr, "element_kind", None)
                if kind:
                    rules[kind] = attr
        missing = [k for k in KINDS if k not in rules]
        if missing:
            raise TypeError(f"{cls.__name__} has no rule for {', '.join(missing)}")
        cls.rules = rules

    def render(self, doc: Document) -> None:
        for element in walk(doc):
            self.rules[element.kind](self, element)
