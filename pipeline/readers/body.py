"""The body markup of a plan: one paragraph per line, # … #### headings, | tables |.

Clerks paste text where every line is a paragraph, so a line break ends a paragraph and
blank lines are ignored. Headings are marked by level and numbered by the pipeline; a label
typed in front of a heading (一、 (一) 1、 …) is dropped so it is not doubled. A heading line
whose first sentence is followed by more text is a run-in heading, as 公文 write them
("## 抓好宣传发动。通过……"): the heading ends with its first 。！？ or ：, the rest is the
paragraph's text.
"""
from __future__ import annotations

import re

from pipeline.errors import PlanError
from pipeline.model import Block, Heading, Paragraph, Table
from pipeline.forms import strip_typed_label

_HEADING = re.compile(r"^(#{1,6})\s*(.*)$")
# where a run-in heading ends: its first full stop, question/exclamation mark or colon, with
# any closing quote or bracket that belongs to it; a run of question marks is a placeholder
# (？？？镇), not the end of a sentence
_RUN_IN_END = re.compile(r"(?<=[^\s？?])(?:[。！：:!]|(?<![？?])[？?](?![？?]))[”’」』）)]*")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def parse_body(text: str, *, file=None, first_line: int | None = None,
               field: str = "body") -> list[Block]:
    """Blocks of a body text; first_line is the plan line the text starts on, for messages."""
    blocks: list[Block] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        where = (first_line + i) if first_line else None
        if not line:
            i += 1
            continue
        heading = _HEADING.match(line)
        if heading:
            level = len(heading.group(1))
            if level > 4:
                raise PlanError(f"'{heading.group(1)}' marks level {level}; GB/T 9704 has four "
                                "heading levels (# to ####)", file=file, line=where, field=field)
            title = strip_typed_label(heading.group(2)).strip()
            if not title:
                raise PlanError("a heading mark with no heading text", file=file, line=where,
                                field=field)
            heading_text, run_on = split_run_in(title)
            blocks.append(Heading(level, heading_text, body=run_on))
            i += 1
            continue
        if line.startswith("|"):
            table_lines = []
            while i < len(lines) and lines[i].strip().startswith("|"):
                table_lines.append(lines[i].strip())
                i += 1
            blocks.append(_table(table_lines, file, where, field))
            continue
        blocks.append(Paragraph(line))
        i += 1
    return blocks


def split_run_in(text: str) -> tuple[str, str]:
    """(heading, run-on text) of a heading line; run-on text is "" for a plain heading."""
    end = _RUN_IN_END.search(text)
    if end is None or not text[end.end():].strip():
        return text, ""
    return text[:end.end()], text[end.end():].strip()


def _table(lines: list[str], file, where, field) -> Table:
    rows = [_cells(line) for line in lines if not _TABLE_RULE.match(line)]
    header, body = rows[0], rows[1:]
    for n, row in enumerate(body, start=1):
        if len(row) != len(header):
            raise PlanError(f"table row {n} has {len(row)} cells but the header has "
                            f"{len(header)}", file=file, line=where, field=field)
    return Table(header=header, rows=body)
