"""The 主体 (GB/T 9704 7.3): title wording, heading numbers, dates, punctuation, and the last
pages' rule that a signature never stands alone. Wording is read from the recognised text of
every kind of file, so a .docx, a PDF, a plan and a draft are judged alike."""
from __future__ import annotations

import re

from pipeline import standard as gb
from pipeline.check.findings import WARNING, Hit
from pipeline.check.measure import PAGE_CENTRE_MM
from pipeline.check.registry import ALL_SOURCES, PLAN, PRINTED, TITLED, rule
from pipeline.forms import (CIRCLED, CN_NUM, LEADING_ZERO_DATE, has_old_date, heading_form,
                            heading_label, label_number)
from pipeline.readers.draft import KINDS, import_lines
from pipeline.transforms.punctuation import half_width_marks

_TITLE_PUNCT_OK = set("《》“”‘’、（）")
_DATE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
HEADINGS = "headings run " + " → ".join(
    heading_label(lvl.level, 1) for lvl in gb.HEADING_LEVELS)


def _title(m) -> str:
    if "title" not in m.cache:
        m.cache["title"] = import_lines(m.lines)[0].title if m.lines else ""
    return m.cache["title"]


@rule("title-punctuation", "GB/T 9704 7.3.1", ALL_SOURCES, TITLED)
def title_punctuation(m):
    title = _title(m)
    bad = sorted({c for c in title if not c.isalnum() and c not in _TITLE_PUNCT_OK
                  and not c.isspace()})
    if bad:
        yield Hit("title", f"the title carries punctuation {' '.join(bad)}",
                  "titles use only 书名号, 引号 and 顿号 where needed", WARNING)


@rule("title-pattern", "条例 / GB/T 9704 7.3.1", ALL_SOURCES, TITLED)
def title_pattern(m):
    title = _title(m)
    if title and ("关于" not in title or not any(title.endswith(k) for k in KINDS)):
        yield Hit("title", f"'{title}' does not read 发文机关 + 关于 + 事由 + 的 + 文种",
                  "e.g. 青山镇人民政府关于做好春耕生产工作的通知", WARNING)


def _heading_events(m) -> list[tuple[str, Hit]]:
    """One walk over the headings, shared by the four heading rules: (rule id, hit)."""
    if "headings" in m.cache:
        return m.cache["headings"]
    events = []
    expected = {lvl.level: 1 for lvl in gb.HEADING_LEVELS}
    deepest = max(expected)
    seen_levels: set[int] = set()
    order_warned: set[int] = set()
    for line in m.lines:
        found = heading_form(line.text.strip()) if line.text.strip() else None
        if line.level and not (found and not found[1].startswith("#")):
            # a heading numbered by its style (Word numbering): it counts, its label is right
            found = (line.level, "", "", "")
        if not found or found[1].startswith("#"):
            continue
        level, typed, _text, proper = found
        if not typed:
            expected[level] += 1
            for deeper in range(level + 1, deepest + 1):
                expected[deeper] = 1
            seen_levels.add(level)
            continue
        if level == 1 and len(line.text) > 80:
            continue  # a paragraph that merely starts with 一、
        n = label_number(re.sub(r"[^0-9" + CN_NUM + CIRCLED + "]", "", typed))
        loc = f"{m.unit} {line.line}"
        if typed != proper.rstrip():
            rule_id, says = ("heading-level3-form", "level 3 takes 1. (not 1、)") if level == 3 \
                else ("heading-brackets", "full-width brackets （） and 、 as the standard shows")
            events.append((rule_id, Hit(loc, f"heading number '{typed}': {says}",
                                        f"write {proper}")))
        if level > 1 and level - 1 not in seen_levels and level not in order_warned:
            order_warned.add(level)
            events.append(("heading-order", Hit(
                loc, f"a level-{level} heading {typed} before any level-{level - 1} heading",
                HEADINGS, WARNING)))
        if n != expected[level]:
            events.append(("heading-sequence", Hit(
                loc, f"heading {typed} where number {expected[level]} was due",
                "renumber the headings in order")))
        expected[level] = n + 1
        for deeper in range(level + 1, deepest + 1):
            expected[deeper] = 1
        seen_levels.add(level)
    m.cache["headings"] = events
    return events


def _heading_rule(rule_id: str):
    @rule(rule_id, "GB/T 9704 7.3.3", ALL_SOURCES)
    def check(m):
        return [hit for rid, hit in _heading_events(m) if rid == rule_id]
    return check


for _id in ("heading-brackets", "heading-level3-form", "heading-order", "heading-sequence"):
    _heading_rule(_id)


@rule("date-form", "GB/T 9704 7.3.5", ALL_SOURCES)
def date_form(m):
    for line in m.lines:
        text = line.text.strip()
        if text and (has_old_date(text) or LEADING_ZERO_DATE.search(text)):
            yield Hit(f"{m.unit} {line.line}", f"date not in the 2026年3月20日 form: {text[:30]}",
                      "Arabic numerals, full year, no leading zeros")


@rule("punctuation-width", "GB/T 15834 / writing convention", ALL_SOURCES)
def punctuation_width(m):
    for line in m.lines:
        marks = half_width_marks(line.text.strip())
        if marks:
            yield Hit(f"{m.unit} {line.line}", f"{len(marks)} half-width mark(s) "
                      f"({' '.join(dict.fromkeys(marks))}) in Chinese text",
                      "use full-width ，；：？！（）", WARNING)


# a signature's organ names stand right of the middle; text starting this far left of it is
# body text or the 附件说明
_LEFT_OF_SIGNATURE_MM = 10.0


@rule("signature-alone", "GB/T 9704 7.3.5", PRINTED)
def signature_alone(m):
    for p in m.pages:
        dates = [l for l in p.content if _DATE.match(l.text.replace(" ", ""))]
        if not dates:
            continue
        above = [l for l in p.black if l.y1 <= dates[-1].y0 + 0.5
                 and l.x0 < PAGE_CENTRE_MM - _LEFT_OF_SIGNATURE_MM]
        if not above:
            yield Hit(f"{m.page_label} {p.index + 1}",
                      "the signature and date stand on a page without body text",
                      "carry the last lines of text over with it, or tighten the spacing of "
                      "that page (7.3.5.5)")


@rule("plan", "plan schema", (PLAN,))
def plan(m):
    exc = m.plan_error
    if exc is not None:
        yield Hit(f"line {exc.line}" if exc.line else "plan",
                  exc.message if hasattr(exc, "message") else str(exc),
                  "see the README's plan file section")
