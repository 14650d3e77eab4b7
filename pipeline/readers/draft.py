"""Drafts as users paste them (text, Markdown, or lines read from a .docx) → plan data.

Recognises the 公文's parts from their form — document number, title, 主送机关 (a line ending
with a colon right after the title), headings by their numbering (一、 （一） (一) 一) 1、 1.
1． （1） (1) ① and Markdown #), 附件说明, signature and date at the end, 抄送/印发 — and
repairs what pasting breaks (half-width punctuation, 1、 at level 3, unbalanced brackets on
heading numbers, old-style dates, optionally traditional characters). Website furniture,
page numbers and "下一页" are left out. Every repair and every line left out is listed with its
line number: nothing changes or disappears silently.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import GongwenError
from pipeline.readers.plan import SECRECY, URGENCY
from pipeline.readers.textfile import CHINESE_ENCODINGS, ZERO_WIDTH, decode
from pipeline.transforms.punctuation import modernise_dates, to_full_width

CN_NUM = "一二三四五六七八九十百"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
KINDS = ("实施方案", "工作方案", "工作要点", "工作意见", "工作汇报", "工作报告", "工作总结",
         "工作计划", "意见", "通知", "报告", "请示", "批复", "决定", "决议", "通报", "公告",
         "通告", "函", "纪要", "方案", "办法", "规定", "细则", "要点", "规划", "汇报", "总结",
         "计划", "命令", "议案", "公报")
# (level, pattern, how the label should read); the text after the label is group "text"
HEADING_FORMS = [
    (1, re.compile(rf"^(?P<n>[{CN_NUM}]+)\s*(?P<sep>[、,，．.])\s*(?P<text>\S.*)$"), "{n}、"),
    (2, re.compile(rf"^[（(]\s*(?P<n>[{CN_NUM}]+)\s*[）)]\s*(?P<text>\S.*)$"), "（{n}）"),
    (2, re.compile(rf"^(?P<n>[{CN_NUM}]+)\s*[）)]\s*(?P<text>\S.*)$"), "（{n}）"),  # lost （
    (2, re.compile(rf"^[（(]\s*(?P<n>[{CN_NUM}]+)\s+(?P<text>\S.*)$"), "（{n}）"),  # lost ）
    (4, re.compile(r"^[（(]\s*(?P<n>\d{1,2})\s*[）)]\s*(?P<text>\S.*)$"), "（{n}）"),
    (4, re.compile(rf"^(?P<n>[{CIRCLED}])\s*(?P<text>\S.*)$"), "（{n}）"),
    (3, re.compile(r"^(?P<n>\d{1,2})\s*(?P<sep>[、.．,，])\s*(?P<text>[^\d\s].*)$"), "{n}."),
]
MARKDOWN_HEADING = re.compile(r"^(?P<marks>#{1,4})\s+(?P<text>\S.*)$")
SENTENCE_END = "。；！？;!?"
# Lines a website wraps around a pasted document: (pattern, why it is left out)
FURNITURE = [
    (re.compile(r"^(时间|時間|发布时间|發布時間|来源|來源|作者|浏览|瀏覽|点击|點擊)\s*[:：]"),
     "website furniture (date/source line)"),
    (re.compile(r"^(导语|導語)\s*[:：]"), "website furniture (导语)"),
    (re.compile(r"(来源于网友上传|來源于網友上傳|不代表本站观点|不代表本站觀點|咨询客服|咨詢客服)"),
     "website furniture (disclaimer)"),
    (re.compile(r"^-?\s*(文档编号|上传时间|格式|页数|大小|配套讲稿|特殊限制|关\s*键\s*词)\s*[:：]"),
     "website furniture (file details)"),
    (re.compile(r"由会员分享|请在.{0,10}上搜索|可在线阅读"), "website furniture (sharing note)"),
    (re.compile(r"^\s*(\[\d+\])+\s*(下一页|上一页)?\s*$|^\s*(下一页|上一页|返回顶部|首页|尾页)\s*$"),
     "page navigation"),
    (re.compile(r"^\s*[-—–]?\s*\d{1,3}\s*[-—–]?\s*$"), "a page number"),
    (re.compile(r"\.(docx?|wps|pdf|txt)\s*$", re.I), "a file name"),
    (re.compile(r"^如PPT文件的首页|^部分文档作品中|设计者仅对作品|仅作为作品整体效果示例"),
     "website furniture (download terms)"),
    (re.compile(r"^-\s+\S+(\s+\S+){2,}$"), "website furniture (keyword list)"),
]
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


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text.translate(ZERO_WIDTH))
    text = text.replace("\u00a0", " ").replace("\u3000", " ").replace("\n", "")
    return re.sub(r"[ \t]+", " ", text).strip()


def _is_traditional(lines: list[SourceLine]) -> bool:
    sample = "".join(l.text for l in lines)[:4000]
    traditional = sum(sample.count(c) for c in "為這個們來對說時會發經與關於實將開進過還")
    simplified = sum(sample.count(c) for c in "为这个们来对说时会发经与关于实将开进过还")
    return traditional > simplified


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


def _run_in(text: str) -> bool:
    """A heading with body text run into it (调查摸底。各党支部…) stays a paragraph."""
    inner = text.rstrip(SENTENCE_END + "。")
    return any(c in inner for c in SENTENCE_END) or len(text) > 60


def _kind_of(title: str) -> str:
    return next((k for k in KINDS if title.endswith(k)), "")


def split_documents(lines: list[SourceLine], changes: list[Change]) -> list[list[SourceLine]]:
    """A paste holding several documents (第一篇 … 第二篇 …) → one list of lines each."""
    docs: list[list[SourceLine]] = [[]]
    for line in lines:
        m = DOC_SEPARATOR.match(line.text)
        if m:
            if any(l.text for l in docs[-1]):
                docs.append([])
            changes.append(Change(line.line, f"'{line.text}' starts document {len(docs)}",
                                  "left out"))
            if m.group("rest"):
                docs[-1].append(SourceLine(line.line, m.group("rest")))
            continue
        docs[-1].append(line)
    return [d for d in docs if any(l.text for l in d)]


def import_lines(lines: list[SourceLine], *, simplify: bool = False) -> list[Draft]:
    """Recognise one or several documents in the lines of a draft."""
    changes: list[Change] = []
    cleaned = []
    if not simplify and _is_traditional(lines):
        changes.append(Change(lines[0].line if lines else 1, "the text is in traditional "
                              "characters; import with --simplify to convert it", "check"))
    convert = _simplifier().convert if simplify else None
    for line in lines:
        text = _clean(line.text)
        if not text:
            continue
        simplified = convert(text) if convert else text
        reason = next((why for pattern, why in FURNITURE if pattern.search(simplified)), None)
        if reason:
            changes.append(Change(line.line, f"{reason}: {text[:40]}", "left out"))
            continue
        if simplified != text:
            changes.append(Change(line.line, f"traditional → simplified: {text[:12]}… → "
                                             f"{simplified[:12]}…"))
        cleaned.append(SourceLine(line.line, simplified, line.level, line.role))
    docs = split_documents(cleaned, changes)
    if not docs:
        raise DraftError("the draft has no text once website furniture is left out")
    drafts = [_structure(doc) for doc in docs]
    # changes made before splitting belong to the document holding their line
    for change in changes:
        owner = drafts[0]
        for draft in drafts:
            if change.line >= draft.first_line:
                owner = draft
        owner.changes.append(change)
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


def _structure(lines: list[SourceLine]) -> Draft:
    draft = Draft(first_line=lines[0].line)
    rest = list(lines)
    # --- header: number and organ mark before the title ---------------------------------
    while rest:
        line = rest[0]
        if line.role == "header" or (SECRECY.match(line.text) or line.text in URGENCY
                                     or re.fullmatch(r"\d{6}", line.text)):
            if SECRECY.match(line.text):
                draft.secrecy = line.text
            elif line.text in URGENCY:
                draft.urgency = line.text
            else:
                draft.changes.append(Change(line.line, f"份号 {line.text} (copies are numbered "
                                                       "when printed: copies: N)", "left out"))
            rest.pop(0)
            continue
        if line.text.startswith("签发人") and SIGNERS.match(line.text):  # own line (a PDF's)
            draft.signers = SIGNERS.match(line.text).group("names").split()
            rest.pop(0)
            continue
        if (line.role == "number" or DOC_NUMBER_LOOSE.match(
                SIGNERS.sub("", line.text).replace(" ", ""))) and SIGNERS.search(line.text):
            draft.signers = SIGNERS.search(line.text).group("names").split()
            line = SourceLine(line.line, SIGNERS.sub("", line.text).strip(), role="number")
        number = DOC_NUMBER_LOOSE.match(line.text.replace(" ", ""))
        if line.role == "number" or number:
            if number:
                fixed = f"{number['code']}〔{number['year']}〕{int(number['seq'])}号"
                if fixed != line.text:
                    draft.changes.append(Change(line.line, f"document number {line.text} → {fixed}"))
                draft.number = fixed
            rest.pop(0)
        elif line.role == "mark" or (line.text.endswith("文件") and len(line.text) <= 30
                                     and not _kind_of(line.text)):
            draft.organs.append(line.text[:-2] if line.text.endswith("文件") else line.text)
            rest.pop(0)
        else:
            break
    if not rest:
        raise DraftError("no title found in the draft")
    # --- title: the first line left, repeated copies dropped ------------------------------
    title_line = rest.pop(0)
    marked = MARKDOWN_HEADING.match(title_line.text)  # "# 标题" in a Markdown draft
    title_line = SourceLine(title_line.line, marked["text"] if marked else title_line.text,
                            title_line.level, title_line.role)
    draft.title = _repair(title_line, title_line.text, draft)
    rest = _split_attachments(rest, draft)
    draft.kind = _kind_of(draft.title)
    while rest and rest[0].role in ("", "title") and _clean(rest[0].text) == title_line.text:
        draft.changes.append(Change(rest[0].line, "the title repeated", "left out"))
        rest.pop(0)
    if not draft.organs:
        before = draft.title.split("关于")[0] if "关于" in draft.title else ""
        draft.organs = [before] if 1 < len(before) <= 30 else []
    # --- 主送机关: a short line ending with a colon right after the title --------------------
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
        elif NOTE.match(line.text) and not draft.date:
            draft.note = NOTE.match(line.text)["text"]
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
    for line in body:
        draft.body.append(_body_line(line, draft, shift))
    if not draft.organs and draft.signature_organs:
        draft.organs = list(draft.signature_organs)
    if not draft.organs:
        draft.changes.append(Change(title_line.line, "no issuing organ found (no 文件 mark, no "
                                                     "“X关于” title, no signature); fill in "
                                                     "organ", "check"))
    return draft


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
        if _run_in(text) and typed and not typed.startswith("#"):
            fixed = proper + text
            if typed != proper.rstrip():
                draft.changes.append(Change(line.line, f"heading number {typed} → {proper} "
                                                       "(kept in a paragraph: body text runs on "
                                                       "after the heading)"))
            return _repair(line, fixed, draft)
        if typed and typed != proper and not typed.startswith("#"):
            draft.changes.append(Change(line.line, f"heading number {typed} → {proper} "
                                                   f"(level {level})"))
        return "#" * level + " " + _repair(line, text, draft)
    if level:
        text = found[2] if found else line.text
        return "#" * level + " " + _repair(line, text, draft)
    return _repair(line, line.text, draft)
