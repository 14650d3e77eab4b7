"""Drafts as users paste them (text, Markdown, or lines read from a .docx) → plan data.

The lines are first made ready (draftclean.py: spacing, pinyin readings, traditional
characters, a site's furniture and viewer page numbers, glued and broken lines); the title is
the line a person reads as one (drafttitle.py). This module splits a file holding several
documents and reads each one's parts from their form — document number, organ, 主送机关 (a line
ending with a colon right after the title), headings by their numbering (一、 （一） (一) 一)
1、 1. 1． （1） (1) ① and Markdown #), 附件说明, signature and date at the end, 抄送/印发 — and
repairs what pasting breaks (half-width punctuation, 1、 at level 3, unbalanced, missing or
half-width separators on heading numbers, old-style dates). Numbered items with text running on
(一、明确目标。各村要……) become run-in headings. Where a draft is ambiguous the import chooses
what a person would and says so. Every repair and every line left out is listed with its line
number: nothing changes or disappears silently.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.readers.plan import SECRECY, URGENCY
from pipeline.standard import FORMAT_OF_KIND, MINUTES_ATTENDANCE_LABELS
from pipeline.readers import webcopy
from pipeline.readers.body import split_run_in
from pipeline.readers.draftclean import clean, prepare
from pipeline.forms import (CIRCLED, CN_NUM, DATE_LINE, MARKDOWN_HEADING,  # noqa: F401
                            date_text, heading_form, heading_label, loose_doc_number, modernise_dates)
from pipeline.readers.draftlines import KINDS, UNITS, Change, DraftError, SourceLine
from pipeline.readers.drafttitle import (LABEL_AHEAD, LONG_TITLE, ORGAN_END, TITLE_TAIL, TitlePick,
                                         despace, find_title, title_like)
from pipeline.readers.textfile import CHINESE_ENCODINGS, decode
from pipeline.transforms.punctuation import to_full_width

FURNITURE = webcopy.FURNITURE
# how an addressee line ends (县人民政府：, 各位代表：)
ADDRESSEE_END = re.compile(r"(代表|同志们|朋友们|局|委|政府|办公室|单位|部门|村|社区|组|公司|院|校|"
                           r"党支部|委员会|中心|所|站|会|处|科|厅|部|乡|镇|街道|村民|居民)$")
DOC_SEPARATOR = re.compile(rf"^\s*第[{CN_NUM}\d]+篇\s*[:：]?\s*(?P<rest>.*)$")
ATTACHMENT = re.compile(r"^附\s*件\s*[:：]\s*(?P<rest>.*)$")
ATTACHMENT_ITEM = re.compile(r"^(?P<n>\d{1,2})\s*[.．、]\s*(?P<name>\S.*)$")
COPIES_TO = re.compile(r"^抄\s*送\s*[:：]\s*(?P<rest>.+)$")
PRINTED = re.compile(r"^(?P<printer>\S.*?)\s+(?P<date>\d{4}年\d{1,2}月\d{1,2}日)\s*印发\s*$")
SIGNERS = re.compile(r"签发人\s*[:：]\s*(?P<names>.+)$")
NOTE = re.compile(r"^[（(](?P<text>此件.+|联系人.+)[）)]$")
# the lines of the special formats (GB/T 9704 10.2, 10.3): a 令's 令号 and a 纪要's 期号, the
# 纪要's attendance lists (出席：… 请假：… 列席：…) and the line naming who printed it and when
ORDER_MARK = re.compile(r"^[\u4e00-\u9fff]{2,28}令$")  # 中华人民共和国国务院令, 青山县人民政府令
BARE_ATTACHMENT = re.compile(r"^附\s*件\s*\d{0,2}\s*[:：]?$")
ORDER_NUMBER = re.compile(rf"^第\s*[\d{CN_NUM}〇零]{{1,5}}\s*号$")
MEETING_ISSUE = re.compile(rf"^第\s*[\d{CN_NUM}〇零]{{1,5}}\s*期$")
# a 决议's adoption line in its parentheses, led by its date; whether it reads as the 文种 rule
# wants (kinds.ADOPTION: …会议通过) is that rule's to say, so a 草案's line is kept too
ADOPTION_LINE = re.compile(r"^[（(](\d{4}年\d{1,2}月\d{1,2}日[^（）()]*)[）)]$")
ATTENDANCE = re.compile(r"^(?P<label>出席|请假|列席)(?:人员|同志|领导|单位)?\s*[:：]\s*(?P<names>\S.*)$")
ATTENDANCE_FIELDS = dict(zip(MINUTES_ATTENDANCE_LABELS, ("present", "absent", "attending")))
_ISSUED_BY = re.compile(r"^(?P<organ>[^\s，。：:]{2,30})\s+(?P<date>\d{4}年\d{1,2}月\d{1,2}日)$")
# a request closing a 请示, or the words answering one in a 批复, whose title does not say so
_ASKS = re.compile(r"(?:妥否|当否)[，,]\s*请(?:予)?批示")
_REPLIES = re.compile(r"(?:现|特此作出如上)?批复如下|特此批复|此复。?$")
# the 文种 of the 条例 (第八条) and 令: a title ending 规定 or 办法 names what a 令 or 通知 carries
OFFICIAL_KINDS = ("决议", "决定", "命令", "令", "公报", "公告", "通告", "意见", "通知", "通报",
                  "报告", "请示", "批复", "议案", "函", "纪要")




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
    format: str = ""  # 信函, 命令 or 纪要 when the 文种 takes that format (standard.FORMAT_OF_KIND)
    order_number: str = ""  # a 令's 令号, 第5号
    title_note: str = ""  # a 决议's adoption line, without its parentheses
    meeting: dict[str, object] = field(default_factory=dict)  # a 纪要's issue and attendance
    signature_title: str = ""  # a 令's signer's 职务 (县长), before the 签名章
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


def _kind_of(title: str) -> str:
    return next((k for k in KINDS if title.endswith(k)), "")


# a site's number glued before a document's title: 1社区修建道路的请示, 2关于要求……的请示
_NUMBERED_TITLE = re.compile(r"^(?P<n>\d{1,2})(?P<title>[\u4e00-\u9fff].{3,80})$")
_LOOSE_DATE = re.compile(r"^[\dXx×_〇零○一二三四五六七八九十 ]{1,6}年[\dXx×_一二三四五六七八九十 ]{1,3}月"
                         r"[\dXx×_一二三四五六七八九十 ]{1,3}日$")
_ADDRESSED_TO = re.compile(r"^[^，。；：,;:！？!?\s]{2,20}[:：]$")


def _next_addressed(text: str, doc: list[SourceLine]) -> bool:
    """An addressee line (县人民政府：) after a document that has ended (a date line, or a
    paragraph ending with a full stop, addressed to an organ) starts another document."""
    if not _ADDRESSED_TO.match(text) or not ADDRESSEE_END.search(text[:-1]) or heading_form(text):
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
        if numbered and numbered["title"][0] not in UNITS and numbered["n"][0] != "0" \
                and title_like(numbered["title"]):
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
        if key and (re.sub(r"\s+", "", text) == key or title_like(text) == title):
            titled = True
        elif titled and (len(text) >= 40 or "。" in text):
            texty = True
    return [d for d in docs if any(l.text for l in d)]


def import_lines(lines: list[SourceLine], *, simplify: bool | None = None) -> list[Draft]:
    """Recognise one or several documents in the lines of a draft. `simplify`: None converts
    traditional characters when the text is traditional, True always, False never."""
    changes: list[Change] = []
    cleaned = prepare(lines, simplify, changes)
    if not cleaned:
        raise DraftError("the draft has no text once website furniture is left out")
    pick = find_title(cleaned)
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


def _header_line(line: SourceLine, draft: Draft, order: bool = False) -> bool:
    """Read a line above the title as part of the 版头 (份号, 密级, 紧急程度, 发文字号, 签发人,
    发文机关标志); False when it is none of those."""
    text = line.text
    if _special_line(line, draft, order):
        return True
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
    if (line.role == "number" or loose_doc_number(SIGNERS.sub("", text))) \
            and SIGNERS.search(text):
        draft.signers = SIGNERS.search(text).group("names").split()
        line = SourceLine(line.line, SIGNERS.sub("", text).strip(), role="number")
        text = line.text
    fixed = loose_doc_number(text)
    if line.role == "number" or fixed:
        if fixed:
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
    pieces = [last.text[:cut].strip(), m["close"] or "", despace(m["organ"]), date]
    draft.changes.append(Change(last.line, "the signature and date glued to the end of the "
                                           "text: put on lines of their own"))
    return rest[:-1] + [SourceLine(last.line, p) for p in pieces if p]


def _order_mark(lines: list[SourceLine]) -> TitlePick | None:
    """A 令's mark (中华人民共和国国务院令) followed by its 令号 (第238号) heads the document,
    whatever a site printed above it (the name of the regulation it enacts)."""
    texts = [(i, re.sub(r"\s+", "", l.text)) for i, l in enumerate(lines[:40]) if l.text.strip()]
    for (i, text), (_j, after) in zip(texts, texts[1:]):
        if ORDER_MARK.match(text) and ORDER_NUMBER.match(after):
            return TitlePick(i, i + 1, text)
    return None


def _trailing_attachment(rest: list[SourceLine], draft: Draft) -> list[SourceLine]:
    """An attachment pasted after the date (…二〇〇八年九月十一日 / 附件: / its title / its
    lines) is the attachment's, not the body's: its title and lines come off the main text."""
    for i in range(len(rest) - 2, 0, -1):
        if BARE_ATTACHMENT.match(rest[i].text) and any(
                DATE_LINE.match(modernise_dates(l.text)[0]) for l in rest[max(0, i - 3):i]):
            title = despace(rest[i + 1].text)
            draft.attachment_bodies[title] = [_body_line(l, draft) for l in rest[i + 2:]]
            draft.changes.append(Change(rest[i].line, f"the attachment '{title[:30]}' pasted after "
                                                      "the date: its lines are the attachment's"))
            return rest[:i]
    return rest


def _special_line(line: SourceLine, draft: Draft, order: bool) -> bool:
    """A 令号 (第5号), a 纪要's 期号 (第12期) or a 决议's adoption line (题注): True when the
    line was one. `order`: the
    document is a 令 (a 公告's 第1号 stays where it is)."""
    text = re.sub(r"\s+", "", line.text)
    note = ADOPTION_LINE.match(text) if draft.kind == "决议" else None
    if note and not draft.title_note:  # a 决议's （2026年1月10日…会议通过） under its title
        draft.title_note = note.group(1)
        return True
    if order and ORDER_NUMBER.match(text) and not draft.order_number:
        draft.order_number = text
        return True
    if MEETING_ISSUE.match(text) and "issue" not in draft.meeting:
        draft.meeting["issue"] = text
        return True
    return False


_POST_ENDS = "长员记任理师席事官监"  # 镇长 委员 书记 主任 经理 …; not 所 局 办 村 (units)


def attendees(text: str) -> list[str]:
    """The people of one attendance list. 、 both separates people and joins two posts of
    one person (党委委员、武装部部长 孙立新); where the people are written post, space, name,
    a post with no name (a word a post ends with, not a unit) is the first post of the person
    after it."""
    parts = re.split(r"\s*([、，,；;])\s*", text)
    people, seps = parts[::2], parts[1::2]
    if sum(" " in p for p in people) * 2 <= len(people):
        return [p for p in people if p]
    out: list[str] = []
    waiting = ""  # posts so far, each followed by its 、
    for i, person in enumerate(people):
        if not person:
            continue
        if " " not in person and person[-1] in _POST_ENDS and i < len(seps) \
                and seps[i] == "、":
            waiting += person + "、"
            continue
        out.append(waiting + person)
        waiting = ""
    if waiting:
        out.append(waiting.rstrip("、"))
    return out


def _attendance(body: list[SourceLine], draft: Draft) -> list[SourceLine]:
    """A 纪要's 出席/请假/列席 lines come off the body into meeting: present/absent/attending."""
    out = []
    for line in body:
        m = ATTENDANCE.match(line.text)
        if m and len(m["names"]) <= 300:
            names = attendees(m["names"].rstrip("。."))
            draft.meeting.setdefault(ATTENDANCE_FIELDS[m["label"]], []).extend(names)
            draft.changes.append(Change(line.line, f"{m['label']} list of the 纪要: "
                                                   f"meeting.{ATTENDANCE_FIELDS[m['label']]}"))
        else:
            out.append(line)
    return out


def _recognise_kind(draft: Draft, body: list[SourceLine]) -> None:
    """The 文种 when the title does not end with one: a 令 by its mark, a 函 by 函 in its
    number, a 纪要 by its attendance lists, a 请示 by its closing request; then the format
    the 文种 takes and what that format needs (a 令's organ and signer's 职务)."""
    number_code = draft.number.split("〔")[0]
    official = draft.kind in OFFICIAL_KINDS
    if not draft.kind and draft.title.endswith("令") and len(draft.title) <= 30:
        draft.kind = "令"
    elif not official and number_code.endswith("令"):  # 政府令〔2010〕第15号 enacting a 规定
        # a 令 carries its 令号 in place of a 发文字号 (GB/T 9704 10.2)
        draft.kind, draft.order_number, draft.number = "令", draft.number, ""
    elif not official and "函" in number_code:
        draft.kind = "函"
    elif not draft.kind and set(draft.meeting) - {"issue"}:
        draft.kind = "纪要"
    elif not draft.kind and any(_ASKS.search(line.text) for line in body[-3:]):
        draft.kind = "请示"
    elif not draft.kind and any(_REPLIES.search(line.text) for line in body[:5] + body[-2:]):
        draft.kind = "批复"
    draft.format = FORMAT_OF_KIND.get(draft.kind, "")
    if draft.kind in ("令", "命令") and len(draft.signature_organs) == 2:
        # 县长  张三 above the date: the signer's 职务 and name, signed by 签名章
        draft.signature_title = draft.signature_organs[0]
        draft.changes.append(Change(draft.first_line, f"the 令 is signed by "
                                                      f"{' '.join(draft.signature_organs)}: "
                                                      "signature.title; add the 签名章 image "
                                                      "as signature.stamp", "check"))
        draft.signature_organs = []
        if not draft.organs and draft.title.endswith("令"):
            draft.organs = [draft.title[:-1]]


def _structure(lines: list[SourceLine]) -> Draft:
    draft = Draft(first_line=lines[0].line)
    pick = _order_mark(lines) or find_title(lines)
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
                organs = [despace(line.text)]
            if draft.organs and draft.organs != organs:
                for mark in lines[:i]:
                    if mark.text.endswith("文件") or mark.role == "mark":
                        draft.changes.append(Change(mark.line, f"organ mark '{mark.text}' "
                                                               "(the organ line above the title "
                                                               "names the organs)", "left out"))
            draft.organs = organs
        elif not _header_line(line, draft, pick.text.endswith("令")):
            same = title_like(line.text) == pick.text
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
            label = LABEL_AHEAD.match(after)
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
            clean(rest[0].text) == title_line.text or title_like(rest[0].text) == pick.text):
        draft.changes.append(Change(rest[0].line, "the title repeated", "left out"))
        rest.pop(0)
    # --- a 令's 令号 and a 纪要's 期号 and 编印 line, right under the title ---------------------
    while rest and not rest[0].role and _special_line(rest[0], draft, draft.title.endswith("令")):
        rest.pop(0)
    if rest and not draft.number and not rest[0].role and loose_doc_number(rest[0].text):
        draft.number = loose_doc_number(rest[0].text)  # a web copy prints it under the title
        draft.changes.append(Change(rest[0].line, f"document number {rest[0].text} under the "
                                                  f"title: number {draft.number}"))
        rest.pop(0)
    issued = _ISSUED_BY.match(rest[0].text) if rest and "issue" in draft.meeting else None
    if issued:
        draft.organs = draft.organs or [issued["organ"]]
        draft.date = issued["date"]
        rest.pop(0)
    if not draft.organs:
        before = draft.title.split("关于")[0] if "关于" in draft.title else ""
        draft.organs = [before] if 1 < len(before) <= 30 else []
    # --- 主送机关: a short line ending with a colon right after the title --------------------
    glued = _GLUED_ADDRESSEE.match(rest[0].text) if rest and not rest[0].role else None
    if glued and ADDRESSEE_END.search(glued["to"]) and not heading_form(rest[0].text):
        line = rest.pop(0)
        draft.changes.append(Change(line.line, f"the addressee glued to the text: split after "
                                               f"'{glued['to']}：'"))
        rest[:0] = [SourceLine(line.line, glued["to"] + "："), SourceLine(line.line, glued["text"])]
    # a 纪要 is addressed to no one: its opening (…会议纪要如下：) is text
    if rest and not (draft.meeting and "，" in rest[0].text) and (
            rest[0].role == "addressee" or (re.search(r"[:：]$", rest[0].text)
                                                  and len(rest[0].text) <= 80
                                                  and not heading_form(rest[0].text))):
        line = rest.pop(0)
        text = line.text.rstrip(":：")
        stripped = re.sub(r"^\d+(?=[\u4e00-\u9fff])", "", text)
        if stripped != text:
            draft.changes.append(Change(line.line, f"stray digits before the addressee removed: "
                                                   f"{text[:len(text) - len(stripped)]}"))
        draft.addressee = _repair(line, stripped, draft) + "："
        if line.text.endswith(":"):
            draft.changes.append(Change(line.line, "half-width colon after the addressee → ："))
    rest = _trailing_attachment(_unglue_tail(rest, draft), draft)
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
            draft.date = date_text(m[1], m[2], m[3])
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
    body = _attendance(body, draft)
    _recognise_kind(draft, body)
    _body(body, draft, shift)
    if not draft.organs and draft.signature_organs:
        draft.organs = list(draft.signature_organs)
    if not draft.organs:
        draft.changes.append(Change(title_line.line, "no issuing organ found (no 文件 mark, no "
                                                     "“X关于” title, no signature); fill in "
                                                     "organ", "check"))
    return draft


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
        if bare and bare["text"][0] not in UNITS and not heading_form(text):
            n = int(bare["n"])
            follows = any(re.match(rf"^{n + 1}\s*[、.．]?[\u4e00-\u9fff]", l.text) and
                          l.text[len(str(n + 1)):][:1] not in UNITS for l in body[i + 1:i + 40])
            if (n == 1 and follows) or (n > 1 and numbering.last[2] == n - 1):
                draft.changes.append(Change(line.line, f"heading number {n} had no separator: "
                                                       f"read as {n}. (level 3)"))
                line = SourceLine(line.line, f"{n}.{bare['text']}", line.level, line.role)
        elif lost:
            n = numbering.last[0] + 1
            label = heading_label(1, n) if n < 100 else ""
            draft.changes.append(Change(line.line, f"a heading whose number was lost "
                                                   f"('、{lost['text'][:20]}'): read as level 1 "
                                                   f"({label})"))
            line = SourceLine(line.line, label + lost["text"], line.level, line.role)
        if len(_PDF_SPACE.findall(line.text)) >= 3:
            draft.changes.append(Change(line.line, "spaces a PDF put around Latin letters and "
                                                   "digits inside the Chinese text removed"))
            line = SourceLine(line.line, despace(line.text), line.level, line.role)
        markup = _body_line(line, draft, shift)
        heading = MARKDOWN_HEADING.match(markup)
        found = heading_form(line.text)
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
    found = heading_form(line.text)
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
