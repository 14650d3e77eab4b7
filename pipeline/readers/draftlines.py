"""What the lines of a pasted draft are made of: the source line, heading numbers in every
form clerks type them, document numbers and the 文种 a title ends with."""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.errors import GongwenError

CN_NUM = "一二三四五六七八九十百"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
KINDS = ("实施方案", "工作方案", "工作要点", "工作意见", "工作汇报", "工作报告", "工作总结",
         "工作计划", "意见", "通知", "报告", "请示", "批复", "决定", "决议", "通报", "公告",
         "通告", "函", "纪要", "方案", "办法", "规定", "细则", "要点", "规划", "汇报", "总结",
         "计划", "命令", "议案", "公报")
# (level, pattern, how the label should read); the text after the label is group "text"
HEADING_FORMS = [
    (1, re.compile(rf"^(?P<n>[{CN_NUM}]{{1,3}})\s*(?P<sep>[、,，．.:：])\s*(?P<text>\S.*)$"), "{n}、"),
    (2, re.compile(rf"^[（(]\s*(?P<n>[{CN_NUM}]+)\s*[）)]\s*(?P<text>\S.*)$"), "（{n}）"),
    (2, re.compile(rf"^(?P<n>[{CN_NUM}]+)\s*[）)]\s*(?P<text>\S.*)$"), "（{n}）"),  # lost （
    (2, re.compile(rf"^[（(]\s*(?P<n>[{CN_NUM}]+)\s+(?P<text>\S.*)$"), "（{n}）"),  # lost ）
    (4, re.compile(r"^[（(]\s*(?P<n>\d{1,2})\s*[）)]\s*(?P<text>\S.*)$"), "（{n}）"),
    (4, re.compile(rf"^(?P<n>[{CIRCLED}])\s*(?P<text>\S.*)$"), "（{n}）"),
    (3, re.compile(r"^(?P<n>\d{1,2})\s*(?P<sep>[、.．,，])\s*(?P<text>[^\d\s].*)$"), "{n}."),
]
MARKDOWN_HEADING = re.compile(r"^(?P<marks>#{1,4})\s+(?P<text>\S.*)$")

class DraftError(GongwenError):
    """A draft that cannot be imported at all (empty, unreadable)."""


@dataclass
class Change:
    line: int  # line of the source (paragraph number for a .docx)
    what: str
    kind: str = "repaired"  # repaired | left out | check

    def __str__(self) -> str:
        return f"line {self.line}: {self.kind}: {self.what}"


DOC_NUMBER_LOOSE = re.compile(r"^(?P<code>[^\s〔〕\[\]()（）【】\d]{1,12})\s*[〔\[(（【]\s*(?P<year>\d{4})"
                              r"\s*[〕\])）】]\s*第?\s*0*(?P<seq>\d+)\s*号$")


@dataclass
class SourceLine:
    line: int
    text: str
    level: int = 0  # heading level a .docx style says, 0 when unknown
    role: str = ""  # what a .docx style says the line is (title, addressee, number …)


def heading_form(text: str) -> tuple[int, str, str, str] | None:
    """(level, label as typed, text, label as it should read) when the line is numbered."""
    m = MARKDOWN_HEADING.match(text)
    if m:
        return len(m.group("marks")), m.group("marks"), m.group("text"), ""
    for level, pattern, form in HEADING_FORMS:
        m = pattern.match(text)
        if m:
            typed = text[:m.start("text")].strip()
            n = m.group("n")
            if level == 4 and n in CIRCLED:
                n = str(CIRCLED.index(n) + 1)
            return level, typed, m.group("text").strip(), form.format(n=n)
    return None


# characters after a bare number that make it a quantity (3年, 5万元), not a heading number
UNITS = set("年月日号个万元亿千百次人户名家项条份天时分秒岁度期批级届辆台座处米亩吨斤公平倍成折余多"
            "栋间所股只头辆棵株段张套部类点")
