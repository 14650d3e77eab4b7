"""Which line of a draft a person reads as its title: the last line before the text that ends
with a 文种 (the earlier ones are a site's page title), a title over two or three short lines,
a title glued to the start of the text, or — when nothing reads as one — a site's preface naming
the document or the first line's opening words. An organ line right above it is the organ.

Each look is bounded (the first 60 lines, 90 characters of a glued line), so finding a title
costs time linear in the draft."""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.readers import webcopy
from pipeline.forms import DOC_NUMBER_LOOSE, MARKDOWN_HEADING, heading_form, loose_doc_number
from pipeline.readers.draftlines import KINDS, UNITS, SourceLine

# words a 公文 title ends with (文种), longest first; the plan's kind comes from KINDS only
TITLE_ENDINGS = tuple(sorted(set(KINDS) | {
    "复函", "公开信", "公示", "答复", "责任书", "倡议书", "承诺书", "讲话", "致辞", "主持词",
    "简报", "制度", "规则", "章程", "条例", "述职报告", "调研报告", "建议", "提案", "决议",
    "会议纪要", "实施细则", "通告", "报告", "汇报", "申请书", "申请", "工作思路", "工作打算",
    "工作安排"}, key=len, reverse=True))
# a title's status after its 文种
TITLE_TAIL = re.compile(r"[（(](草案|试行|試行|征求意见稿|讨论稿|送审稿|修订稿|暂行)[）)]$")
# how an organ's name ends, for an organ line above the title
ORGAN_END = re.compile(r"(人民政府|人民代表大会|委员会|党委|党工委|党组|政府|办公室|办事处|"
                       r"局|厅|部|委|镇|乡|街道|会议|主席团|公司|支部|总支|中心)$")
LONG_TITLE = 60  # longer than a 公文 title can be: body text glued to it, most likely


def ends_with_genre(text: str) -> bool:
    text = TITLE_TAIL.sub("", text)
    return any(text.endswith(k) for k in TITLE_ENDINGS)


def despace(text: str) -> str:
    """Spaces a PDF puts around Latin runs inside Chinese text (修建 xx 村) taken out."""
    return re.sub(r"(?<=[\u3400-\u9fff《》“”（）〔〕])\s+|\s+(?=[\u3400-\u9fff《》“”（）〔〕])", "",
                  text)


def spaced_out(text: str) -> bool:
    """政 府 工 作 报 告: a speech's display heading, not the document's title."""
    return bool(re.fullmatch(r"(?:[\u4e00-\u9fff] ){2,}[\u4e00-\u9fff]", text))


def title_like(text: str) -> str:
    """The title a line holds once site labels and suffixes are off, or "" if it holds none."""
    if len(text) > 200 or re.search(r"[。！？；;!?]|[:：]$", text) or \
            text.startswith(("——", "--")) or webcopy.LABEL_START.match(text):
        return ""
    text = MARKDOWN_HEADING.sub(r"\g<text>", text)
    text, _ = webcopy.doc_prefix(text)
    numbered = re.match(r"^\d{1,2}(?=[\u4e00-\u9fff])", text)
    if numbered and text[numbered.end()] not in UNITS:
        text = text[numbered.end():]
    text = webcopy.strip_collection(text)
    text = webcopy.split_label(text)[0]
    text = webcopy.strip_collection(text)
    text = despace(text).strip()
    alternative = webcopy.ALTERNATIVE.search(text)
    if alternative and not TITLE_TAIL.search(text) and ends_with_genre(text[:alternative.start()]):
        text = text[:alternative.start()]
    if 3 <= len(text) <= 2 * LONG_TITLE and ends_with_genre(text):
        return text
    return ""


def unrepeat(text: str) -> str:
    """A title a site printed two or three times in a row, once; or followed by its own end
    again (某乡镇政府工作报告 政府工作报告, a display heading)."""
    pieces = text.split()
    if len(pieces) == 2 and pieces[0].endswith(pieces[1]):
        return pieces[0]
    bare = text.replace(" ", "")
    for k in (3, 2):
        if len(bare) % k == 0 and bare == bare[:len(bare) // k] * k:
            return bare[:len(bare) // k]
    return text


# how a 公文's text starts, right after a title glued to it with nothing between
BODY_OPENER = re.compile(r"(\d{4}年|今年|近年来|为了?|根据|按照|我(镇|乡|局|村|们)|现将|经)")
ADDRESSEE_AHEAD = re.compile(r"[^，。；：:,;！？!?\s]{1,24}[:：]")
LABEL_AHEAD = re.compile(r"\s*(篇\s*[一二三四五六七八九十\d]{1,3}|【\s*第.{1,3}篇\s*】|\[\s*篇\s*\d{1,3}\s*\])")


def glued_title(text: str) -> tuple[int, int, int, str] | None:
    """A title glued in front of the text that follows it ("XX镇2023年政府工作报告各位代表：现在，
    …"): (where the title starts, where it ends, how strongly the text after it says so, title).
    Looks at most at the first six sentences and 90 characters of each."""
    starts = [0] + [m.end() for m in re.finditer(r"[。！？]", text[:300])][:5]
    for s in starts:
        seg = text[s:s + 90]
        stop = re.search(r"[，。；：:,;！？!?]", seg)
        seg = seg[:stop.start()] if stop else seg
        best = None
        for k in TITLE_ENDINGS:
            at = seg.find(k)
            while at != -1:
                e = s + at + len(k)
                after = text[e:e + 40]
                strength = (3 if ADDRESSEE_AHEAD.match(after) or LABEL_AHEAD.match(after)
                            else 2 if after[:1].isspace() or after.startswith(text[s:e])
                            else 1 if BODY_OPENER.match(after) else 0)
                if strength and e - s >= 4 and (best is None or e > best[1]):
                    best = (s, e, strength)
                at = seg.find(k, at + 1)
        if best:
            s, e, strength = best
            title = text[s:e]
            inner = title.rfind("关于")
            junk = despace(title[:inner]).strip() if inner > 0 else ""
            if junk and any(k in junk for k in TITLE_ENDINGS):
                s, title = s + inner, title[inner:]  # a site's file name glued in front
            return s, e, strength, despace(unrepeat(title.strip()))
    return None


@dataclass
class TitlePick:
    start: int  # index of the title's first line
    end: int  # index after its last line
    text: str
    organ: int = -1  # index of an organ line above it
    rest: str | None = None  # a glued title: what follows it on its line
    before: str = ""  # a glued title: site text before it on its line
    organ_text: str = ""  # a glued title: the organ just before it
    guessed: bool = False  # no line reads as a title; the first line's opening was taken
    site: bool = False  # the line carried a site's suffix or label: the page's title


def body_start(lines: list[SourceLine]) -> int:
    """The first line that is plainly text, not title: an addressee, a heading, a paragraph."""
    for i, line in enumerate(lines):
        text = line.text
        if line.role in ("title", "mark", "number", "header", "site-title"):
            continue
        if title_like(text):
            continue
        if (re.search(r"[:：]$", text) and len(text) <= 40) or heading_form(text) or (
                len(text) >= 50 and re.search(r"[，。,；]", text)):
            return i
    return len(lines)


def find_title(lines: list[SourceLine]) -> TitlePick | None:
    """The line(s) a person reads as the title: the last title-like line before the text
    starts (earlier ones are the site's page title), a title over two or three short lines,
    or a title glued to the start of the text; an organ line above it is the organ."""
    if not lines:
        return None
    roles = [i for i, l in enumerate(lines) if l.role == "title"]
    if roles:
        return TitlePick(roles[0], roles[0] + 1, lines[roles[0]].text)
    b = body_start(lines)
    candidates: list[TitlePick] = []
    for i in range(min(b, 60)):
        text = lines[i].text
        if lines[i].role == "site-title":
            continue
        found = title_like(text)
        if found and (not spaced_out(text) or all(c.site for c in candidates)):
            candidates.append(TitlePick(i, i + 1, found, site=found != despace(text).strip()))
            continue
        organ_line = ORGAN_END.search(text) and i + 1 < len(lines) and \
            lines[i + 1].text.startswith("关于")
        if organ_line or len(text) > 40 or re.search(r"[，。；：:,;！？!?]", text) or \
                text.startswith("#") or DOC_NUMBER_LOOSE.match(text.replace(" ", "")):
            continue
        joined = text
        for k in (1, 2):  # a title over two or three lines
            if i + k >= min(b + 1, len(lines)) or len(lines[i + k].text) > 40:
                break
            following = lines[i + k].text
            if following.startswith(("关于", "——", "#", lines[i + k - 1].text)):
                break  # a title starts there, or a subtitle, or the line again
            starts_title = text.startswith("关于") or ORGAN_END.search(text) or \
                following.startswith(("的", "之", "和", "及", "与"))
            if title_like(following) and not starts_title:
                break  # the next line is a title by itself; this one is the site's
            joined += lines[i + k].text
            found = title_like(joined)
            if found:
                candidates.append(TitlePick(i, i + k + 1, found))
                break
    glued = None
    if b < len(lines) and not lines[b].role:
        glued = glued_title(lines[b].text)
    if glued and (not candidates or glued[2] == 3):
        s, e, _strength, title = glued
        text = lines[b].text
        pick = TitlePick(b, b + 1, title, rest=text[e:], before=text[:s])
        organ = re.search(r"([^\s〔〕（）()号]{2,20}?(人民政府|委员会|党委|政府|办事处|办公室|局))$",
                          despace(text[:s]).strip())
        if organ and title.startswith("关于"):
            pick.organ_text = organ.group(1)
    elif candidates:
        pick = candidates[-1]
        for earlier in candidates:  # a title over lines, not its last line alone
            if earlier.end == pick.end and earlier.start < pick.start:
                pick = earlier
                break
    elif any(l.role == "site-title" for l in lines[:b + 1]):
        named = next(i for i, l in enumerate(lines) if l.role == "site-title")
        pick = TitlePick(named, named + 1, lines[named].text)
    else:
        first = next((i for i, l in enumerate(lines) if l.text and len(l.text) <= LONG_TITLE
                      and not re.search(r"[。！？]", l.text) and not heading_form(l.text)
                      and not loose_doc_number(l.text)), None)  # a 发文字号 is no title
        if first is not None:
            pick = TitlePick(first, first + 1,
                              MARKDOWN_HEADING.sub(r"\g<text>", lines[first].text))
        else:  # only long lines: the first one's opening clause, the rest stays text
            text = lines[0].text
            stop = re.search(r"[，。；：,;:！？!?]", text[:LONG_TITLE + 1])
            end = stop.start() if stop and stop.start() >= 4 else min(len(text), LONG_TITLE)
            pick = TitlePick(0, 1, text[:end].strip(), rest=text[end:], guessed=True)
    above = pick.start - 1
    if (pick.rest is None and above >= 0 and len(lines[above].text) <= 30
            and ORGAN_END.search(lines[above].text)
            and not re.search(r"[，。；：:,;！？!?]", lines[above].text)
            and not title_like(lines[above].text) and not lines[above].role):
        pick.organ = above
    return pick
