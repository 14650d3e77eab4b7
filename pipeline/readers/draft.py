"""Drafts as users paste them (text, Markdown, or lines read from a .docx) → plan data.

Recognises the 公文's parts from their form — document number, title, 主送机关 (a line ending
with a colon right after the title), headings by their numbering (一、 （一） (一) 一) 1、 1.
1． （1） (1) ① and Markdown #), 附件说明, signature and date at the end, 抄送/印发 — and
repairs what pasting breaks (half-width punctuation, 1、 at level 3, unbalanced, missing or
half-width separators on heading numbers, old-style dates, traditional characters). What web
copies add (readers/webcopy.py: pinyin readings, site furniture at both ends, viewer page
numbers, several documents on one page, a page glued into one line) is taken off. The title
is the line that reads as one (it ends with a 文种 such as 意见 or 通知), an organ line above
it becomes the organ. Numbered items with text running on (一、明确目标。各村要……) become
run-in headings. Where a draft is ambiguous the import chooses what a person would and says
so. Every repair and every line left out is listed with its line number: nothing changes or
disappears silently.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import GongwenError
from pipeline.readers.plan import SECRECY, URGENCY
from pipeline.readers import webcopy
from pipeline.readers.body import split_run_in
from pipeline.readers.textfile import CHINESE_ENCODINGS, ZERO_WIDTH, decode
from pipeline.transforms.numbering import chinese_number
from pipeline.transforms.punctuation import modernise_dates, to_full_width

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
FURNITURE = webcopy.FURNITURE
# words a 公文 title ends with (文种), longest first; the plan's kind comes from KINDS only
TITLE_ENDINGS = tuple(sorted(set(KINDS) | {
    "复函", "公开信", "公示", "答复", "责任书", "倡议书", "承诺书", "讲话", "致辞", "主持词",
    "简报", "制度", "规则", "章程", "条例", "述职报告", "调研报告", "建议", "提案", "决议",
    "会议纪要", "实施细则", "通告", "报告", "汇报", "申请书", "申请", "工作思路", "工作打算",
    "工作安排"}, key=len, reverse=True))
TITLE_TAIL = re.compile(r"[（(](草案|试行|試行|征求意见稿|讨论稿|送审稿|修订稿|暂行)[）)]$")
ORGAN_END = re.compile(r"(人民政府|人民代表大会|委员会|党委|党工委|党组|政府|办公室|办事处|"
                       r"局|厅|部|委|镇|乡|街道|会议|主席团|公司|支部|总支|中心)$")
ADDRESSEE_END = re.compile(r"(代表|同志们|朋友们|局|委|政府|办公室|单位|部门|村|社区|组|公司|院|校|"
                           r"党支部|委员会|中心|所|站|会|处|科|厅|部|乡|镇|街道|村民|居民)$")
LONG_TITLE = 60  # longer than a 公文 title can be: body text glued to it, most likely
DOC_SEPARATOR = re.compile(rf"^\s*第[{CN_NUM}\d]+篇\s*[:：]?\s*(?P<rest>.*)$")
DATE_LINE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
DOC_NUMBER_LOOSE = re.compile(r"^(?P<code>[^\s〔〕\[\]()（）【】\d]{1,12})\s*[〔\[(（【]\s*(?P<year>\d{4})"
                              r"\s*[〕\])）】]\s*第?\s*0*(?P<seq>\d+)\s*号$")
ATTACHMENT = re.compile(r"^附\s*件\s*[:：]\s*(?P<rest>.*)$")
ATTACHMENT_ITEM = re.compile(r"^(?P<n>\d{1,2})\s*[.．、]\s*(?P<name>\S.*)$")
COPIES_TO = re.compile(r"^抄\s*送\s*[:：]\s*(?P<rest>.+)$")
PRINTED = re.compile(r"^(?P<printer>\S.*?)\s+(?P<date>\d{4}年\d{1,2}月\d{1,2}日)\s*印发\s*$")
SIGNERS = re.compile(r"签发人\s*[:：]\s*(?P<names>.+)$")
NOTE = re.compile(r"^[（(](?P<text>此件.+|联系人.+)[）)]$")


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


@dataclass
class Draft:
    """One imported document: the plan's fields, plus the list of what the import did."""
    title: str = ""
    organs: list[str] = field(default_factory=list)
    number: str = ""
    signers: list[str] = field(default_factory=list)
    secrecy: str = ""
    urgency: str = ""
    addressee: str = ""
    body: list[str] = field(default_factory=list)  # body markup lines (# headings, paragraphs)
    attachments: list[str] = field(default_factory=list)  # 附件说明 names
    attachment_bodies: dict[str, list[str]] = field(default_factory=dict)  # title → body lines
    signature_organs: list[str] = field(default_factory=list)
    date: str = ""
    note: str = ""
    copies_to: str = ""
    printer: str = ""
    print_date: str = ""
    kind: str = ""
    first_line: int = 0
    changes: list[Change] = field(default_factory=list)

    def headings(self) -> dict[int, int]:
        """How many headings each level has."""
        out = {1: 0, 2: 0, 3: 0, 4: 0}
        for line in self.body:
            m = MARKDOWN_HEADING.match(line)
            if m:
                out[len(m.group("marks"))] += 1
        return out


def read_text(path: Path) -> str:
    text = decode(Path(path).read_bytes(), (*CHINESE_ENCODINGS, "big5"))
    if text is not None:
        return text
    raise DraftError("not UTF-8, GB18030 or Big5 text; save it as UTF-8", file=path)


def text_lines(text: str) -> list[SourceLine]:
    return [SourceLine(i, line) for i, line in enumerate(text.splitlines(), start=1)]


# ⒈ … ⒛ and ⑴ … ⒇: single characters some editors use for 1. and (1)
_NUMBER_SIGNS = {**{0x2488 + i: f"{i + 1}." for i in range(20)},
                 **{0x2474 + i: f"({i + 1})" for i in range(20)}}


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text.translate(ZERO_WIDTH).translate(_NUMBER_SIGNS))
    text = text.replace("\n", "")
    return re.sub(r"\s+", " ", text).strip()  # one space for any run (nbsp, 　, tabs …)


def _simplifier():
    try:
        import opencc
    except ImportError:
        raise DraftError("--simplify needs OpenCC; run the README's setup command") from None
    return opencc.OpenCC("t2s")


def _heading(text: str) -> tuple[int, str, str, str] | None:
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


def _kind_of(title: str) -> str:
    return next((k for k in KINDS if title.endswith(k)), "")


def _ends_with_genre(text: str) -> bool:
    text = TITLE_TAIL.sub("", text)
    return any(text.endswith(k) for k in TITLE_ENDINGS)


def _despace(text: str) -> str:
    """Spaces a PDF puts around Latin runs inside Chinese text (修建 xx 村) taken out."""
    return re.sub(r"(?<=[\u3400-\u9fff《》“”（）〔〕])\s+|\s+(?=[\u3400-\u9fff《》“”（）〔〕])", "",
                  text)


def _spaced_out(text: str) -> bool:
    """政 府 工 作 报 告: a speech's display heading, not the document's title."""
    return bool(re.fullmatch(r"(?:[\u4e00-\u9fff] ){2,}[\u4e00-\u9fff]", text))


def _title_like(text: str) -> str:
    """The title a line holds once site labels and suffixes are off, or "" if it holds none."""
    if len(text) > 200 or re.search(r"[。！？；;!?]|[:：]$", text) or \
            text.startswith(("——", "--")) or webcopy.LABEL_START.match(text):
        return ""
    text = MARKDOWN_HEADING.sub(r"\g<text>", text)
    text, _ = webcopy.doc_prefix(text)
    numbered = re.match(r"^\d{1,2}(?=[\u4e00-\u9fff])", text)
    if numbered and text[numbered.end()] not in _UNITS:
        text = text[numbered.end():]
    text = webcopy.strip_collection(text)
    text = webcopy.split_label(text)[0]
    text = webcopy.strip_collection(text)
    text = _despace(text).strip()
    alternative = webcopy.ALTERNATIVE.search(text)
    if alternative and not TITLE_TAIL.search(text) and _ends_with_genre(text[:alternative.start()]):
        text = text[:alternative.start()]
    if 3 <= len(text) <= 2 * LONG_TITLE and _ends_with_genre(text):
        return text
    return ""


def _unrepeat(text: str) -> str:
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
_BODY_OPENER = re.compile(r"(\d{4}年|今年|近年来|为了?|根据|按照|我(镇|乡|局|村|们)|现将|经)")
_ADDRESSEE_AHEAD = re.compile(r"[^，。；：:,;！？!?\s]{1,24}[:：]")
_LABEL_AHEAD = re.compile(r"\s*(篇\s*[一二三四五六七八九十\d]{1,3}|【\s*第.{1,3}篇\s*】|\[\s*篇\s*\d{1,3}\s*\])")


def _glued_title(text: str) -> tuple[int, int, int, str] | None:
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
                strength = (3 if _ADDRESSEE_AHEAD.match(after) or _LABEL_AHEAD.match(after)
                            else 2 if after[:1].isspace() or after.startswith(text[s:e])
                            else 1 if _BODY_OPENER.match(after) else 0)
                if strength and e - s >= 4 and (best is None or e > best[1]):
                    best = (s, e, strength)
                at = seg.find(k, at + 1)
        if best:
            s, e, strength = best
            title = text[s:e]
            inner = title.rfind("关于")
            junk = _despace(title[:inner]).strip() if inner > 0 else ""
            if junk and any(k in junk for k in TITLE_ENDINGS):
                s, title = s + inner, title[inner:]  # a site's file name glued in front
            return s, e, strength, _despace(_unrepeat(title.strip()))
    return None


@dataclass
class _TitlePick:
    start: int  # index of the title's first line
    end: int  # index after its last line
    text: str
    organ: int = -1  # index of an organ line above it
    rest: str | None = None  # a glued title: what follows it on its line
    before: str = ""  # a glued title: site text before it on its line
    organ_text: str = ""  # a glued title: the organ just before it
    guessed: bool = False  # no line reads as a title; the first line's opening was taken
    site: bool = False  # the line carried a site's suffix or label: the page's title


def _body_start(lines: list[SourceLine]) -> int:
    """The first line that is plainly text, not title: an addressee, a heading, a paragraph."""
    for i, line in enumerate(lines):
        text = line.text
        if line.role in ("title", "mark", "number", "header", "site-title"):
            continue
        if _title_like(text):
            continue
        if (re.search(r"[:：]$", text) and len(text) <= 40) or _heading(text) or (
                len(text) >= 50 and re.search(r"[，。,；]", text)):
            return i
    return len(lines)


def _find_title(lines: list[SourceLine]) -> _TitlePick | None:
    """The line(s) a person reads as the title: the last title-like line before the text
    starts (earlier ones are the site's page title), a title over two or three short lines,
    or a title glued to the start of the text; an organ line above it is the organ."""
    if not lines:
        return None
    roles = [i for i, l in enumerate(lines) if l.role == "title"]
    if roles:
        return _TitlePick(roles[0], roles[0] + 1, lines[roles[0]].text)
    b = _body_start(lines)
    candidates: list[_TitlePick] = []
    for i in range(min(b, 60)):
        text = lines[i].text
        if lines[i].role == "site-title":
            continue
        found = _title_like(text)
        if found and (not _spaced_out(text) or all(c.site for c in candidates)):
            candidates.append(_TitlePick(i, i + 1, found, site=found != _despace(text).strip()))
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
            if _title_like(following) and not starts_title:
                break  # the next line is a title by itself; this one is the site's
            joined += lines[i + k].text
            found = _title_like(joined)
            if found:
                candidates.append(_TitlePick(i, i + k + 1, found))
                break
    glued = None
    if b < len(lines) and not lines[b].role:
        glued = _glued_title(lines[b].text)
    if glued and (not candidates or glued[2] == 3):
        s, e, _strength, title = glued
        text = lines[b].text
        pick = _TitlePick(b, b + 1, title, rest=text[e:], before=text[:s])
        organ = re.search(r"([^\s〔〕（）()号]{2,20}?(人民政府|委员会|党委|政府|办事处|办公室|局))$",
                          _despace(text[:s]).strip())
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
        pick = _TitlePick(named, named + 1, lines[named].text)
    else:
        first = next((i for i, l in enumerate(lines) if l.text and len(l.text) <= LONG_TITLE
                      and not re.search(r"[。！？]", l.text) and not _heading(l.text)), None)
        if first is not None:
            pick = _TitlePick(first, first + 1,
                              MARKDOWN_HEADING.sub(r"\g<text>", lines[first].text))
        else:  # only long lines: the first one's opening clause, the rest stays text
            text = lines[0].text
            stop = re.search(r"[，。；：,;:！？!?]", text[:LONG_TITLE + 1])
            end = stop.start() if stop and stop.start() >= 4 else min(len(text), LONG_TITLE)
            pick = _TitlePick(0, 1, text[:end].strip(), rest=text[end:], guessed=True)
    above = pick.start - 1
    if (pick.rest is None and above >= 0 and len(lines[above].text) <= 30
            and ORGAN_END.search(lines[above].text)
            and not re.search(r"[，。；：:,;！？!?]", lines[above].text)
            and not _title_like(lines[above].text) and not lines[above].role):
        pick.organ = above
    return pick


# a site's number glued before a document's title: 1社区修建道路的请示, 2关于要求……的请示
_NUMBERED_TITLE = re.compile(r"^(?P<n>\d{1,2})(?P<title>[\u4e00-\u9fff].{3,80})$")
_LOOSE_DATE = re.compile(r"^[\dXx×_〇零○一二三四五六七八九十 ]{1,6}年[\dXx×_一二三四五六七八九十 ]{1,3}月"
                         r"[\dXx×_一二三四五六七八九十 ]{1,3}日$")
_ADDRESSED_TO = re.compile(r"^[^，。；：,;:！？!?\s]{2,20}[:：]$")


def _next_addressed(text: str, doc: list[SourceLine]) -> bool:
    """An addressee line (县人民政府：) after a document that has ended (a date line, or a
    paragraph ending with a full stop, addressed to an organ) starts another document."""
    if not _ADDRESSED_TO.match(text) or not ADDRESSEE_END.search(text[:-1]) or _heading(text):
        return False
    content = [l.text for l in doc[-6:] if l.text]  # only how the document ended matters
    dated = any(_LOOSE_DATE.match(t) or DATE_LINE.match(t) for t in content[-4:])
    return dated or (bool(content) and content[-1].endswith("。") and
                     bool(re.search(r"(政府|局|委员会|办公室|厅|委|公司)$", text[:-1])))


def split_documents(lines: list[SourceLine], changes: list[Change],
                    title: str = "") -> list[list[SourceLine]]:
    """A paste holding several documents → one list of lines each. Documents are told apart
    by the labels sites put before them (第二篇, 篇2, 【第二篇】, [篇2], the title followed by 2 or
    （二）); a label 1 only marks the first, and the title printed again inside the text is
    the site's, not a new document."""
    docs: list[list[SourceLine]] = [[]]
    key = re.sub(r"\s+", "", title)
    texty = False  # the current document has text, so a label 2 starts the next one
    titled = False  # … after its title: a site's slogan above the title is not its text

    def start_new() -> bool:
        return texty and any(l.text for l in docs[-1])

    for line in lines:
        text = line.text
        numbered = _NUMBERED_TITLE.match(text)
        if numbered and numbered["title"][0] not in _UNITS and numbered["n"][0] != "0" \
                and _title_like(numbered["title"]):
            n = int(numbered["n"])
            if n >= 2 and start_new():
                docs.append([])
                texty = False
            changes.append(Change(line.line, f"the site's number {n} before the title "
                                              f"'{numbered['title'][:30]}': document {len(docs)}"))
            docs[-1].append(SourceLine(line.line, numbered["title"], line.level, line.role))
            titled = True
            continue
        m = DOC_SEPARATOR.match(text)
        base, index = webcopy.split_label(text) if len(text) <= 80 else (text, 0)
        base = re.sub(r"\s+", "", webcopy.strip_collection(base))
        if m:
            if start_new():
                docs.append([])
                texty = False
            changes.append(Change(line.line, f"'{text[:40]}' starts document {len(docs)}",
                                  "left out"))
            if m.group("rest"):
                docs[-1].append(SourceLine(line.line, m.group("rest"), line.level, line.role))
            continue
        if index and (not base or (key and base == key)):
            if index >= 2 and start_new():
                docs.append([])
                texty = False
            what = (f"the site's document label or page count in '{text[:40]}': "
                    f"document {len(docs)}")
            if base:
                docs[-1].append(SourceLine(line.line, title, line.level, line.role))
                what += ", its title kept"
            changes.append(Change(line.line, what, "left out"))
            continue
        if texty and key and _next_addressed(text, docs[-1]):
            docs.append([SourceLine(line.line, title, role="title")])
            changes.append(Change(line.line, f"'{text}' after a finished document starts "
                                              f"document {len(docs)} (the site gives it no title: "
                                              "the page's title is used)"))
            texty = False
            docs[-1].append(line)
            continue
        if key and texty and re.sub(r"\s+", "", text) == key:
            changes.append(Change(line.line, "the title printed again inside the text (the "
                                             "site's)", "left out"))
            continue
        docs[-1].append(line)
        if key and (re.sub(r"\s+", "", text) == key or _title_like(text) == title):
            titled = True
        elif titled and (len(text) >= 40 or "。" in text):
            texty = True
    return [d for d in docs if any(l.text for l in d)]


def _is_traditional(lines: list[SourceLine]) -> bool:
    sample = "".join(l.text for l in lines)[:4000]
    traditional = sum(sample.count(c) for c in "為這個們來對說時會發經與關於實將開進過還鄉鎮縣機")
    simplified = sum(sample.count(c) for c in "为这个们来对说时会发经与关于实将开进过还乡镇县机")
    return traditional > simplified


def _gap_split(lines: list[SourceLine], changes: list[Change]) -> list[SourceLine]:
    """A long line whose paragraphs a site joined with wide gaps → one line each."""
    out = []
    for line in lines:
        text = line.text.strip()
        if len(text) >= 80 and re.search(r"\S[ \u3000\u00a0]{2,}\S", text):
            pieces = [p for p in re.split(r"[ \u3000\u00a0]{2,}", text) if p.strip()]
            changes.append(Change(line.line, f"a long line split at its {len(pieces) - 1} wide "
                                             "gap(s) into paragraphs"))
            out += [SourceLine(line.line, p, line.level, line.role) for p in pieces]
        else:
            out.append(line)
    return out


def _rejoin(lines: list[SourceLine], changes: list[Change]) -> list[SourceLine]:
    joins = webcopy.rejoin_broken([l.text for l in lines])
    if joins is None:
        return lines
    out: list[SourceLine] = []
    parts: list[list[str]] = []  # joined once at the end: linear however many lines join
    for line, join in zip(lines, joins):
        if join and out:
            parts[-1].append(line.text)
        elif line.text:
            out.append(line)
            parts.append([line.text])
    out = [SourceLine(l.line, "".join(p), l.level, l.role) for l, p in zip(out, parts)]
    changes.append(Change(lines[0].line, f"the text was broken after every word run (a PDF's "
                                         f"copy): {len(lines)} lines joined into {len(out)} "
                                         "paragraphs at sentence ends and headings"))
    return out


_VIEWER_PAGE = re.compile(r"^(\d{1,3})、")


def _viewer_pages(lines: list[SourceLine], changes: list[Change]) -> list[SourceLine]:
    """Online viewers paste a document one page per line, each starting with the page's
    number (1、…, 2、…). Those numbers are not headings: when the numbered lines are long, run
    1, 2, 3 … and a page continues the sentence the last one broke off, the numbers go and the
    broken sentences are joined."""
    pages = [i for i, l in enumerate(lines)
             if len(l.text) >= 150 and _VIEWER_PAGE.match(l.text)]
    numbers = [int(_VIEWER_PAGE.match(lines[i].text).group(1)) for i in pages]
    if not pages or numbers != list(range(1, len(pages) + 1)):
        return lines
    last = next((i for i in range(pages[-1] + 1, min(len(lines), pages[-1] + 4))
                 if lines[i].text.startswith(f"{len(pages) + 1}、")), None)
    if last is not None and lines[pages[-1]].text[-1:] not in "。！？；：”":
        pages.append(last)  # the last page may be short
        numbers.append(len(pages))
    continued = {i for i, n in zip(pages[1:], numbers[1:])
                 if lines[i].text[len(str(n)) + 1:][:1] in "、，,；"
                 or lines[i - 1].text[-1:] not in "。！？；：”"}
    first = lines[pages[0]].text[2:]
    if not continued and not (len(pages) == 1 and _glued_title(first)):
        return lines
    out = list(lines)
    for i, n in zip(pages, numbers):
        rest = out[i].text[len(str(n)) + 1:]
        changes.append(Change(lines[i].line, f"'{n}、' is the number of an online viewer's page, "
                                             "not a heading", "left out"))
        out[i] = SourceLine(lines[i].line, rest, lines[i].level, lines[i].role)
        if i in continued and i > 0 and out[i - 1].text:
            changes.append(Change(lines[i].line, f"page {n} continues the sentence page {n - 1} "
                                                 "broke off: joined"))
            out[i - 1] = SourceLine(out[i - 1].line, out[i - 1].text + rest.lstrip("、"),
                                    out[i - 1].level, out[i - 1].role)
            out[i] = SourceLine(lines[i].line, "", lines[i].level, lines[i].role)
    return [l for l in out if l.text]


def _split_glued(lines: list[SourceLine], changes: list[Change]) -> list[SourceLine]:
    """Headings inside a glued line (… 宝贵意见。一、2022年主要工作 …) start lines of their own;
    a heading followed by a gap and its text (一、指导思想 坚持以…) is split there too."""
    numbering = webcopy.Numbering()
    out: list[SourceLine] = []
    for line in lines:
        text = line.text
        at_start = webcopy.LABEL_START.match(text)
        if at_start:
            numbering.see(*webcopy.label_value(at_start))
        cuts = webcopy.inline_heading_cuts(text, numbering) if len(text) >= 20 else []
        pieces = [text[a:b].strip() for a, b in zip([0] + cuts, cuts + [len(text)])]
        if len(pieces) > 1:
            changes.append(Change(line.line, f"a glued line split at {len(cuts)} heading(s) "
                                             "inside it"))
        for piece in pieces:
            gap = re.match(r"^(?P<head>(?:[一二三四五六七八九十]{1,3}[、．.]|[（(][一二三四五六七八九十]{1,3}[)）])"
                           r"[^\s，。；：,;:！？]{2,20}) (?P<text>\S.{8,})$", piece)
            if gap and len(pieces) > 1 or gap and len(text) >= 80:
                out += [SourceLine(line.line, gap["head"], line.level, line.role),
                        SourceLine(line.line, gap["text"], line.level, line.role)]
            elif piece:
                out.append(SourceLine(line.line, piece, line.level, line.role))
    return out


def _prepare(lines: list[SourceLine], simplify: bool | None,
             changes: list[Change]) -> list[SourceLine]:
    """Clean text, readings, characters, furniture, pages and glued lines, in that order."""
    lines = [SourceLine(l.line, l.text.strip(), l.level, l.role) for l in lines]
    lines = _viewer_pages([l for l in lines if l.text], changes)
    lines = _gap_split(lines, changes)
    lines = [SourceLine(l.line, _clean(l.text), l.level, l.role) for l in lines]
    lines = _rejoin(lines, changes)
    everything = "".join(l.text for l in lines[:2000])
    plain_too = webcopy.toned_readings(everything) >= 2
    traditional = _is_traditional(lines)
    convert = _simplifier().convert if simplify or (simplify is None and traditional) else None
    if traditional and convert and lines:
        changes.append(Change(lines[0].line, "the text is in traditional characters: converted "
                                             "to simplified (--keep-traditional keeps them)"))
    elif traditional and lines:
        changes.append(Change(lines[0].line, "the text is in traditional characters, kept as "
                                             "asked", "check"))
    cleaned, related = [], False
    # where a site's page wraps the document: before its first paragraph, after its last
    prose = [i for i, l in enumerate(lines) if len(l.text) >= 30 and re.search(r"[。！？]", l.text)]
    first, last = (prose[0], prose[-1]) if prose else (len(lines), -1)
    for index, line in enumerate(lines):
        text = line.text
        if not text:
            continue
        text, n = webcopy.strip_pinyin(text, plain_too)
        if n:
            changes.append(Change(line.line, f"{n} pinyin reading(s) after characters removed"))
        simplified = convert(text) if convert else text
        if related or webcopy.RELATED_LIST.match(simplified):
            related = True
            changes.append(Change(line.line, f"the site's list of other articles: {text[:40]}",
                                  "left out"))
            continue
        at_an_end = index < first or index > last
        reason = webcopy.furniture(simplified, at_an_end) if len(simplified) <= 400 else None
        if reason:
            changes.append(Change(line.line, f"{reason}: {text[:40]}", "left out"))
            named = webcopy.PREFACE_TITLE.search(simplified) if "furniture (" not in reason \
                or "导语" in reason or "sharing" in reason else None
            named = next((g for g in named.groups() if g), "") if named else ""
            if _title_like(named):  # the site names the document: a title if none is found
                cleaned.append(SourceLine(line.line, _title_like(named), role="site-title"))
            continue
        for pattern, what in ((webcopy.HIDDEN_NOTE, "the site's 'text hidden' note"),
                              (webcopy.PAGE_MARKER, "a page marker inside the text")):
            simplified, n = pattern.subn("", simplified)
            if n:
                changes.append(Change(line.line, f"{what} removed", "left out"))
        if simplified != text and convert:
            changes.append(Change(line.line, f"traditional → simplified: {text[:12]}… → "
                                             f"{simplified[:12]}…"))
        cleaned.append(SourceLine(line.line, simplified.strip(), line.level, line.role))
    return _split_glued(cleaned, changes)


def import_lines(lines: list[SourceLine], *, simplify: bool | None = None) -> list[Draft]:
    """Recognise one or several documents in the lines of a draft. `simplify`: None converts
    traditional characters when the text is traditional, True always, False never."""
    changes: list[Change] = []
    cleaned = _prepare(lines, simplify, changes)
    if not cleaned:
        raise DraftError("the draft has no text once website furniture is left out")
    pick = _find_title(cleaned)
    docs = split_documents(cleaned, changes, pick.text if pick else "")
    if not docs:
        raise DraftError("the draft has no text once website furniture is left out")
    drafts = [_structure(doc) for doc in docs]
    # changes made before splitting belong to the document holding their line
    starts = [draft.first_line for draft in drafts]  # ascending: documents in source order
    for change in changes:
        drafts[max(0, bisect.bisect_right(starts, change.line) - 1)].changes.append(change)
    for draft in drafts:
        draft.changes.sort(key=lambda c: c.line)
    return drafts


def _repair(line: SourceLine, text: str, draft: Draft) -> str:
    text, n = to_full_width(text)
    if n:
        draft.changes.append(Change(line.line, f"{n} half-width punctuation mark(s) → full width"))
    text, n = modernise_dates(text)
    if n:
        draft.changes.append(Change(line.line, "date in Chinese numerals → Arabic numerals"))
    if "20XX" in text or "20xx" in text:
        draft.changes.append(Change(line.line, "placeholder year 20XX left as it is; fill it "
                                               "in", "check"))
    return text


def _header_line(line: SourceLine, draft: Draft) -> bool:
    """Read a line above the title as part of the 版头 (份号, 密级, 紧急程度, 发文字号, 签发人,
    发文机关标志); False when it is none of those."""
    text = line.text
    if line.role == "header" or SECRECY.match(text) or text in URGENCY or \
            re.fullmatch(r"\d{6}", text):
        if SECRECY.match(text):
            draft.secrecy = text
        elif text in URGENCY:
            draft.urgency = text
        else:
            draft.changes.append(Change(line.line, f"份号 {text} (copies are numbered when "
                                                   "printed: copies: N)", "left out"))
        return True
    if text.startswith("签发人") and SIGNERS.match(text):  # own line (a PDF's)
        draft.signers = SIGNERS.match(text).group("names").split()
        return True
    if (line.role == "number" or DOC_NUMBER_LOOSE.match(SIGNERS.sub("", text).replace(" ", ""))) \
            and SIGNERS.search(text):
        draft.signers = SIGNERS.search(text).group("names").split()
        line = SourceLine(line.line, SIGNERS.sub("", text).strip(), role="number")
        text = line.text
    number = DOC_NUMBER_LOOSE.match(text.replace(" ", ""))
    if line.role == "number" or number:
        if number:
            fixed = f"{number['code']}〔{number['year']}〕{int(number['seq'])}号"
            if fixed != text:
                draft.changes.append(Change(line.line, f"document number {text} → {fixed}"))
            draft.number = fixed
        return True
    if line.role == "mark" or (text.endswith("文件") and len(text) <= 30 and not _kind_of(text)):
        draft.organs.append(text[:-2] if text.endswith("文件") else text)
        return True
    return False


_GLUED_ADDRESSEE = re.compile(r"^(?P<to>[^，。；：:,;！？!?]{2,30})[:：]\s*(?P<text>\S.{9,})$")


_GLUED_TAIL = re.compile(
    r"(?:(?<=[。！？])|\s)\s*(?P<close>特此(?:报告|请示|函告|函复|通知|批复|函)[。！]?)?\s*"
    r"(?P<organ>(?:[A-Za-z]{1,4}\s?)?[^\s，。；：,;:！？]{1,24}(?:人民政府|委员会|党委|办公室|办事处|局|政府|村委会|公司))\s*"
    r"(?P<date>(?:\d{4}|[〇零○O0一二三四五六七八九\s]{4,8})\s*年[^，。\s]{1,3}月[^，。\s]{1,3}日)\s*$")


def _unglue_tail(rest: list[SourceLine], draft: Draft) -> list[SourceLine]:
    """The signature and date glued to the end of the last paragraph (…为谢。 特此报告 xx镇人民政府
    二0一二年七月十日), as a PDF's one-line copy has them → lines of their own."""
    if not rest or len(rest[-1].text) < 40:
        return rest
    last = rest[-1]
    m = _GLUED_TAIL.search(last.text[-80:])
    if not m:
        return rest
    cut = len(last.text) - 80 + m.start() if len(last.text) > 80 else m.start()
    date = re.sub(r"\s+", "", m["date"]).replace("0", "〇").replace("O", "〇")
    pieces = [last.text[:cut].strip(), m["close"] or "", _despace(m["organ"]), date]
    draft.changes.append(Change(last.line, "the signature and date glued to the end of the "
                                           "text: put on lines of their own"))
    return rest[:-1] + [SourceLine(last.line, p) for p in pieces if p]


def _structure(lines: list[SourceLine]) -> Draft:
    draft = Draft(first_line=lines[0].line)
    pick = _find_title(lines)
    if pick is None:
        raise DraftError("no title found in the draft")
    # --- above the title: 版头 lines, an organ line, and the site's text ---------------------
    if lines[pick.start].role == "site-title":
        draft.changes.append(Change(lines[pick.start].line, f"no line reads as a title: the title "
                                                            f"'{pick.text}' taken from the site's "
                                                            "text naming the document"))
        lines[pick.start] = SourceLine(lines[pick.start].line, pick.text)
    for i, line in enumerate(lines[:pick.start]):
        if line.role == "site-title":
            continue  # its line is listed as left out already
        if i == pick.organ:
            names = line.text.split()  # joint issuance: 中共长乐镇委员会  长乐镇人民政府
            if len(names) > 1 and all(ORGAN_END.search(n) for n in names):
                organs = names
            else:
                organs = [_despace(line.text)]
            if draft.organs and draft.organs != organs:
                for mark in lines[:i]:
                    if mark.text.endswith("文件") or mark.role == "mark":
                        draft.changes.append(Change(mark.line, f"organ mark '{mark.text}' "
                                                               "(the organ line above the title "
                                                               "names the organs)", "left out"))
            draft.organs = organs
        elif not _header_line(line, draft):
            same = _title_like(line.text) == pick.text
            draft.changes.append(Change(line.line, "the title repeated" if same else
                                        f"before the title (the site's page text): "
                                        f"{line.text[:40]}", "left out"))
    # --- title ------------------------------------------------------------------------------
    title_line = lines[pick.start]
    raw = "".join(l.text for l in lines[pick.start:pick.end])
    marked = MARKDOWN_HEADING.match(raw) if pick.end == pick.start + 1 else None
    rest = [l for l in lines[pick.end:] if l.role != "site-title"]
    if pick.rest is not None:
        if pick.organ_text:
            draft.organs = [pick.organ_text]
        if pick.before.strip():
            draft.changes.append(Change(title_line.line, f"text before the title (the site's, or "
                                                         f"the 版头 glued to it): "
                                                         f"{pick.before[:60]}", "left out"))
        after = pick.rest
        for _ in range(3):  # the title printed again, a label, then the text
            after = after.lstrip()
            label = _LABEL_AHEAD.match(after)
            if label:
                after = after[label.end():]
            elif after.startswith(pick.text):
                after = after[len(pick.text):]
        draft.changes.append(Change(title_line.line, f"the title glued to the text that follows "
                                                     f"it: split after '{pick.text}'"))
        if pick.guessed:
            draft.changes.append(Change(title_line.line, "no line reads as a title (none ends with "
                                                         "a 文种 such as 通知 or 报告): the first "
                                                         "line's opening words were taken; put the "
                                                         "real title in", "check"))
        if after.strip():
            rest.insert(0, SourceLine(title_line.line, after.strip(), title_line.level))
    elif pick.end - pick.start > 1:
        draft.changes.append(Change(title_line.line, f"the title runs over {pick.end - pick.start}"
                                                     " lines: joined"))
    elif not marked and pick.text != raw and raw:
        draft.changes.append(Change(title_line.line, f"title read as '{pick.text}' (the site's "
                                                     f"label or suffix left out of '{raw[:60]}')"))
    title_text = pick.text if not marked else marked["text"]
    draft.title = _repair(title_line, title_text, draft)
    if len(draft.title) > LONG_TITLE:
        draft.changes.append(Change(title_line.line, f"the title has {len(draft.title)} "
                                                     "characters, more than a 公文 title can: is "
                                                     "body text glued to the title?", "check"))
    rest = _split_attachments(rest, draft)
    draft.kind = _kind_of(TITLE_TAIL.sub("", draft.title))
    while rest and rest[0].role in ("", "title") and (
            _clean(rest[0].text) == title_line.text or _title_like(rest[0].text) == pick.text):
        draft.changes.append(Change(rest[0].line, "the title repeated", "left out"))
        rest.pop(0)
    if not draft.organs:
        before = draft.title.split("关于")[0] if "关于" in draft.title else ""
        draft.organs = [before] if 1 < len(before) <= 30 else []
    # --- 主送机关: a short line ending with a colon right after the title --------------------
    glued = _GLUED_ADDRESSEE.match(rest[0].text) if rest and not rest[0].role else None
    if glued and ADDRESSEE_END.search(glued["to"]) and not _heading(rest[0].text):
        line = rest.pop(0)
        draft.changes.append(Change(line.line, f"the addressee glued to the text: split after "
                                               f"'{glued['to']}：'"))
        rest[:0] = [SourceLine(line.line, glued["to"] + "："), SourceLine(line.line, glued["text"])]
    if rest and (rest[0].role == "addressee" or (re.search(r"[:：]$", rest[0].text)
                                                  and len(rest[0].text) <= 80
                                                  and not _heading(rest[0].text))):
        line = rest.pop(0)
        text = line.text.rstrip(":：")
        stripped = re.sub(r"^\d+(?=[\u4e00-\u9fff])", "", text)
        if stripped != text:
            draft.changes.append(Change(line.line, f"stray digits before the addressee removed: "
                                                   f"{text[:len(text) - len(stripped)]}"))
        draft.addressee = _repair(line, stripped, draft) + "："
        if line.text.endswith(":"):
            draft.changes.append(Change(line.line, "half-width colon after the addressee → ："))
    rest = _unglue_tail(rest, draft)
    # --- the tail, read from the end: 版记, 附注, date, signature ---------------------------
    tail_start = len(rest)
    while tail_start:
        line = rest[tail_start - 1]
        copies = COPIES_TO.match(line.text)
        printed = PRINTED.match(line.text)
        if copies:
            draft.copies_to = _repair(line, copies["rest"].rstrip("。."), draft)
        elif printed:
            draft.printer, draft.print_date = printed["printer"], printed["date"]
        elif NOTE.match(line.text) and not draft.date:  # 附注, one or several lines
            found = NOTE.match(line.text)["text"]
            draft.note = f"{found}；{draft.note}" if draft.note else found
        elif not draft.date and (DATE_LINE.match(line.text) or
                                 DATE_LINE.match(modernise_dates(line.text)[0])):
            m = DATE_LINE.match(modernise_dates(line.text)[0])
            draft.date = f"{m[1]}年{int(m[2])}月{int(m[3])}日"
            if draft.date != line.text:
                draft.changes.append(Change(line.line, f"date {line.text} → {draft.date}"))
        elif (draft.date and not draft.signature_organs and len(line.text) <= 60
              and not any(c in line.text for c in "，。；：:,")):
            draft.signature_organs = line.text.split()
        else:
            break
        tail_start -= 1
    body = rest[:tail_start]
    # --- 附件说明 just above the signature ------------------------------------------------
    for i, line in enumerate(body):
        m = ATTACHMENT.match(line.text)
        if m and i >= len(body) - 12:
            names = [m["rest"]] + [l.text for l in body[i + 1:]]
            draft.attachments = [ATTACHMENT_ITEM.match(n)["name"] if ATTACHMENT_ITEM.match(n)
                                 else n for n in names if n]
            body = body[:i]
            break
    # --- body: headings by their numbers, paragraphs ---------------------------------------
    # a Markdown draft that marks its title "#" starts its headings at "##"
    shift = len(marked["marks"]) if marked else 0
    _body(body, draft, shift)
    if not draft.organs and draft.signature_organs:
        draft.organs = list(draft.signature_organs)
    if not draft.organs:
        draft.changes.append(Change(title_line.line, "no issuing organ found (no 文件 mark, no "
                                                     "“X关于” title, no signature); fill in "
                                                     "organ", "check"))
    return draft


# characters after a bare number that make it a quantity (3年, 5万元), not a heading number
_UNITS = set("年月日号个万元亿千百次人户名家项条份天时分秒岁度期批级届辆台座处米亩吨斤公平倍成折余多"
             "栋间所股只头辆棵株段张套部类点")
_BARE_NUMBER = re.compile(r"^(?P<n>\d{1,2})(?P<text>[\u4e00-\u9fff].*)$")
_PDF_SPACE = re.compile(r"[\u4e00-\u9fff] [A-Za-z0-9]|[A-Za-z0-9] [\u4e00-\u9fff]")
_LOST_NUMBER = re.compile(r"^[、．]\s*(?P<text>[^，。；：,;:！？!?]{2,30})$")


def _rejoin_broken_words(body: list[SourceLine], draft: Draft) -> list[SourceLine]:
    """A line break inside a word that starts with 一 (产业结构单 / 一、创新能力不强……): when
    a paragraph ends mid-sentence and the next line's 一、 is followed by no 二、, the 一 is the
    end of a word, not a heading number."""
    has_two = any(re.match(r"^二\s*[、．.]", l.text) for l in body)
    out: list[SourceLine] = []
    for line in body:
        prev = out[-1].text if out else ""
        if (not has_two and re.match(r"^一\s*[、．.]", line.text) and len(prev) >= 40
                and re.search(r"[\u4e00-\u9fff]$", prev) and len(line.text) >= 15
                and re.search(r"[。！？]", line.text)):
            draft.changes.append(Change(line.line, f"the line broke inside a sentence "
                                                   f"(…{prev[-4:]} / {line.text[:6]}…) and no 二、 "
                                                   "follows: joined, not a heading"))
            out[-1] = SourceLine(out[-1].line, prev + line.text, out[-1].level, out[-1].role)
            continue
        out.append(line)
    return out


def _body(body: list[SourceLine], draft: Draft, shift: int) -> None:
    """Body lines → plan markup, with heading numbers a paste damaged put right: a number
    that lost its separator (1把安全生产…, read so only when 2 follows or 1 came before), a
    separator that lost its number (、安全生产控制指标), a （一） lost before （二）."""
    body = _rejoin_broken_words(body, draft)
    numbering = webcopy.Numbering()
    out: list[tuple[SourceLine, str, int, int]] = []  # line, markup, level, number
    for i, line in enumerate(body):
        text = line.text
        bare = _BARE_NUMBER.match(text) if not line.level else None
        lost = _LOST_NUMBER.match(text) if not line.level else None
        if bare and bare["text"][0] not in _UNITS and not _heading(text):
            n = int(bare["n"])
            follows = any(re.match(rf"^{n + 1}\s*[、.．]?[\u4e00-\u9fff]", l.text) and
                          l.text[len(str(n + 1)):][:1] not in _UNITS for l in body[i + 1:i + 40])
            if (n == 1 and follows) or (n > 1 and numbering.last[2] == n - 1):
                draft.changes.append(Change(line.line, f"heading number {n} had no separator: "
                                                       f"read as {n}. (level 3)"))
                line = SourceLine(line.line, f"{n}.{bare['text']}", line.level, line.role)
        elif lost:
            n = numbering.last[0] + 1
            label = f"{chinese_number(n)}、" if n < 100 else ""
            draft.changes.append(Change(line.line, f"a heading whose number was lost "
                                                   f"('、{lost['text'][:20]}'): read as level 1 "
                                                   f"({label})"))
            line = SourceLine(line.line, label + lost["text"], line.level, line.role)
        if len(_PDF_SPACE.findall(line.text)) >= 3:
            draft.changes.append(Change(line.line, "spaces a PDF put around Latin letters and "
                                                   "digits inside the Chinese text removed"))
            line = SourceLine(line.line, _despace(line.text), line.level, line.role)
        markup = _body_line(line, draft, shift)
        heading = MARKDOWN_HEADING.match(markup)
        found = _heading(line.text)
        level = len(heading["marks"]) if heading else 0
        n = 0
        if heading and found and not found[1].startswith("#"):
            m = webcopy.LABEL_START.match(line.text)
            n = webcopy.label_value(m)[1] if m else 0
        if level:
            numbering.see(level, n or numbering.last[level - 1] + 1)
        out.append((line, markup, level, n))
    # a report with no numbered level-1 heading: a short line standing alone between
    # paragraphs (2020年工作回顾) is a section heading without a number
    if not any(level == 1 for _l, _m, level, _n in out):
        for i in range(1, len(out) - 1):
            line, markup, level, _n = out[i]
            before, after = out[i - 1][1], out[i + 1][1]
            if (not level and 4 <= len(markup) <= 16 and not re.search(r"[\s\W]", markup)
                    and before[-1:] in "。！？" and len(after) >= 60 and not out[i + 1][2]):
                out[i] = (line, "# " + markup, 1, 0)
                draft.changes.append(Change(line.line, f"'{markup}' stands alone between "
                                                       "paragraphs: read as a level-1 heading "
                                                       "without a number"))
    # a （一） lost before （二）: the short line after the level-1 heading is it
    last_parent = -1
    seen_level2 = False
    for i, (line, markup, level, n) in enumerate(out):
        if level == 1:
            last_parent, seen_level2 = i, False
        elif level == 2:
            if n == 2 and not seen_level2:
                for j in range(last_parent + 1, i):
                    cand = out[j]
                    if cand[2] == 0 and len(cand[1]) <= 25 and not re.search(r"[。！？；;]",
                                                                              cand[1]):
                        out[j] = (cand[0], "## " + cand[1], 2, 1)
                        draft.changes.append(Change(cand[0].line, f"'{cand[1]}' stands where "
                                                    "（一） belongs before （二）: read as a level-2 "
                                                    "heading whose number was lost"))
                        break
            seen_level2 = True
    draft.body.extend(markup for _line, markup, _level, _n in out)


def _split_attachments(rest: list[SourceLine], draft: Draft) -> list[SourceLine]:
    """Attachments a .docx carries on their own pages (附件 label, title, body) come off the
    main text; the 版记 lines after them stay."""
    start = next((i for i, l in enumerate(rest) if l.role == "attachment"), None)
    if start is None:
        return rest
    end = next((i for i, l in enumerate(rest) if l.role == "closing" and i > start), len(rest))
    title = ""
    for line in rest[start:end]:
        if line.role == "attachment":
            title = ""
        elif line.role == "title" and not draft.attachment_bodies.get(title):
            title = (title + line.text) if title else line.text
            draft.attachment_bodies.setdefault(title, [])
        elif title:
            draft.attachment_bodies.setdefault(title, []).append(_body_line(line, draft))
    # a title split over several paragraphs registered its first part too; keep the whole
    draft.attachment_bodies = {t: b for t, b in draft.attachment_bodies.items() if b or
                               not any(o != t and o.startswith(t) for o in draft.attachment_bodies)}
    return rest[:start] + rest[end:]


def _body_line(line: SourceLine, draft: Draft, shift: int = 0) -> str:
    found = _heading(line.text)
    level = line.level
    if found and not level:
        level, typed, text, proper = found
        if typed.startswith("#"):
            level = max(1, level - shift)
        run_on = split_run_in(text)[1] if typed and not typed.startswith("#") else ""
        if typed and typed != proper and not typed.startswith("#"):
            draft.changes.append(Change(line.line, f"heading number {typed} → {proper} "
                                                   f"(level {level})"))
        if run_on:
            draft.changes.append(Change(line.line, f"level-{level} heading with its text running "
                                                   "on in the same paragraph: a run-in heading"))
        return "#" * level + " " + _repair(line, text, draft)
    if level:
        text = found[2] if found else line.text
        return "#" * level + " " + _repair(line, text, draft)
    return _repair(line, line.text, draft)
