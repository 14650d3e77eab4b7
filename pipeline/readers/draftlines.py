"""What the lines of a pasted draft are made of: the source line, the changes listed, the 文种
a title ends with; heading numbers and document numbers in every form clerks type them are in
pipeline.forms."""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.errors import GongwenError

KINDS = ("实施方案", "工作方案", "工作要点", "工作意见", "工作汇报", "工作报告", "工作总结",
         "工作计划", "意见", "通知", "报告", "请示", "批复", "决定", "决议", "通报", "公告",
         "通告", "函", "纪要", "方案", "办法", "规定", "细则", "要点", "规划", "汇报", "总结",
         "计划", "命令", "议案", "公报")


class DraftError(GongwenError):
    """A draft that cannot be imported at all (empty, unreadable)."""


@dataclass
class Change:
    line: int  # line of the source (paragraph number for a .docx)
    what: str
    kind: str = "repaired"  # repaired | left out | check

    def __str__(self) -> str:
        return f"line {self.line}: {self.kind}: {self.what}"


@dataclass
class SourceLine:
    line: int
    text: str
    level: int = 0  # heading level a .docx style says, 0 when unknown
    role: str = ""  # what a .docx style says the line is (title, addressee, number …)


# characters after a bare number that make it a quantity (3年, 5万元), not a heading number
UNITS = set("年月日号个万元亿千百次人户名家项条份天时分秒岁度期批级届辆台座处米亩吨斤公平倍成折余多"
            "栋间所股只头辆棵株段张套部类点")
