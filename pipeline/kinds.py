"""What each 文种 must carry, from the 党政机关公文处理工作条例 (2012) and GB/T 9704-2012.

Each rule is (id, kind, source, severity, the plan field it names, a check over the document
model). An error stops the build with one line naming the plan field; a warning is printed and
the build goes on. The rules run on a plan when it is read and on what `import` made of a
draft. Every rule looks only for what a person would also call wrong on sight, so a rule that
would fire on good documents is left out rather than softened into noise.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from pipeline import standard
from pipeline.model import Document, Heading, Paragraph

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str  # the 文种 it applies to
    source: str  # where the rule comes from
    severity: str  # ERROR | WARNING
    field: str  # the plan field a message names
    check: Callable[[Document], str]  # the message when the document breaks the rule, else ""


@dataclass(frozen=True)
class Finding:
    rule: Rule
    message: str

    def __str__(self) -> str:
        return f"{self.rule.severity}: {self.message} (field '{self.rule.field}'; {self.rule.source})"


# --- what the text says ---------------------------------------------------------------------
# asking a superior to approve or decide: what a 请示 does and a 报告 must not (条例 第十五条:
# 报告 不得夹带请示事项)
REQUEST = re.compile(r"请(?:予)?(?:批准|审批|批示|批复|核准)|妥否|当否|恳请批准|请予审定")
# a 请示's closing request (妥否，请批示 / 以上请示，请予审批 / 请批准 …)
CLOSING_REQUEST = re.compile(r"(?:妥否|当否|可否|是否可行|以上请示)[，,]?\s*请|请(?:予)?(?:批准|审批|批示|"
                             r"批复|核准|审定|研究|支持|解决)")
_SENTENCE = re.compile(r"[^。！？；]+[。！？；]?")
# 《…的请示》 and （…〔2026〕N号） cited in a 批复's first paragraph
CITED_TITLE = re.compile(r"《[^《》]+请示》")
CITED_NUMBER = re.compile(r"〔\d{4}〕\d+号")


def _texts(doc: Document) -> list[str]:
    """The body's paragraphs and headings (with a run-in heading's text), in order."""
    out = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            out.append(block.text)
        elif isinstance(block, Heading):
            out.append(block.text + block.body)
    return out


def _sentences(doc: Document) -> list[str]:
    return [s.strip() for text in _texts(doc) for s in _SENTENCE.findall(text) if s.strip()]


def _addressees(doc: Document) -> list[str]:
    return [a for a in re.split(r"[、，,；;\s]+", doc.addressees.rstrip("：:")) if a]


# --- 请示 (条例 第八条(十一): 适用于向上级机关请求指示、批准; 第十五条: 一文一事, 上行文) ----
def _qingshi_one_matter(doc: Document) -> str:
    # several sentences each asking approval of something, besides the closing request, are
    # several matters; one request and a closing formula (以上请示，请批示) are one
    asks = [s for s in _sentences(doc) if REQUEST.search(s)
            and not re.search(r"妥否|当否|以上请示|可否", s)]
    if len(set(asks)) >= 2:
        return (f"a 请示 asks one matter; this body asks {len(set(asks))} separate approvals "
                f"('{asks[0][:20]}…', '{asks[1][:20]}…'): one 请示 each")
    return ""


def _qingshi_contact(doc: Document) -> str:
    if "联系人" in doc.note and "电话" in doc.note:
        return ""
    return "请示 needs 联系人 and 电话 in the 附注 (note)"


def _qingshi_signers(doc: Document) -> str:
    return "" if doc.header.signers else ("a 请示 is 上行文: it needs its 签发人 (signers)")


def _qingshi_closing(doc: Document) -> str:
    texts = _texts(doc)
    if texts and CLOSING_REQUEST.search(texts[-1]):
        return ""
    return "a 请示 ends with its request, e.g. 妥否，请批示 or 以上请示，请予审批"


# --- 报告 (条例 第八条(十), 第十五条: 报告不得夹带请示事项; GB/T 9704 7.2.5) -------------------
def _baogao_no_request(doc: Document) -> str:
    asks = [s for s in _sentences(doc) if REQUEST.search(s)]
    if asks:
        return (f"a 报告 may not carry a request (条例: 不得夹带请示事项): '{asks[0][:30]}'; "
                "ask in a 请示")
    return ""


def _upward(doc: Document) -> bool:
    # addressed to one superior organ (县人民政府), not to 各… or a meeting's 代表
    names = _addressees(doc)
    return len(names) == 1 and not names[0].startswith("各") and not re.search(
        r"代表|同志|委员$", names[0])


def _baogao_signers(doc: Document) -> str:
    if _upward(doc) and not doc.header.signers:
        return (f"a 报告 to {_addressees(doc)[0]} is 上行文: give its 签发人 (signers), "
                "GB/T 9704 7.2.5")
    return ""


# --- 批复 (条例 第八条(十二): 答复下级机关请示事项) ------------------------------------------
def _pifu_one_addressee(doc: Document) -> str:
    names = _addressees(doc)
    if len(names) == 1 and not names[0].startswith("各"):
        return ""
    what = f"'{doc.addressees}'" if names else "no addressee"
    return f"a 批复 answers the unit that asked: one addressee, not {what}"


def _first_paragraph(doc: Document) -> str:
    return next((b.text for b in doc.blocks if isinstance(b, Paragraph)), "")


def _pifu_cites_title(doc: Document) -> str:
    if CITED_TITLE.search(_first_paragraph(doc)):
        return ""
    return "a 批复 cites the 请示 it answers by title in its first paragraph: 《…的请示》"


def _pifu_cites_number(doc: Document) -> str:
    if CITED_NUMBER.search(_first_paragraph(doc)):
        return ""
    return "a 批复 cites the 请示's number in its first paragraph: （…〔2026〕N号）"


# --- 函 (GB/T 9704 10.1: 信函格式) ----------------------------------------------------------
def _han_letter_format(doc: Document) -> str:
    if doc.format == standard.FORMAT_DOCUMENT:
        return "a 函 is laid out in 信函格式 (GB/T 9704 10.1); this one is in 文件格式"
    return ""


# --- 通报 (条例 第八条(九): 表彰先进、批评错误、传达重要精神和告知重要情况) ---------------------
def _tongbao_subject(doc: Document) -> str:
    # what is praised, criticised or told must stand in the title (关于表彰…的通报); a title
    # that is the bare word leaves the reader nothing to file it under
    subject = re.sub(r"^.*?关于|的?通报$", "", doc.title)
    return "" if len(subject) >= 2 else "a 通报's title names what it reports on: 关于…的通报"


def _tongbao_no_request(doc: Document) -> str:
    # a 通报 tells; asking approval is a 请示's business
    asks = [s for s in _sentences(doc) if REQUEST.search(s)]
    return f"a 通报 tells and asks nothing: '{asks[0][:30]}' belongs in a 请示" if asks else ""


# --- 决定 (条例 第八条(二): 对重要事项作出决策和部署、奖惩有关单位和人员) ------------------------
def _jueding_date(doc: Document) -> str:
    # a decision binds from its date: without a 成文日期 it cannot be cited or enforced
    if doc.signature and doc.signature.date:
        return ""
    return "a 决定 needs its 成文日期 (signature: date)"


def _jueding_no_request(doc: Document) -> str:
    asks = [s for s in _sentences(doc) if REQUEST.search(s)]
    return f"a 决定 decides and asks nothing: '{asks[0][:30]}'" if asks else ""


# --- 决议 (条例 第八条(一): 会议讨论通过的重大决策事项) -------------------------------------
# the adoption line: the date and the meeting that adopted it, ending in 通过 (or 批准)
ADOPTION = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日\S*(?:通过|批准)$")


def _jueyi_adoption(doc: Document) -> str:
    # a 决议 has no 署名 or seal: the adoption line under its title says who adopted it and when
    if not doc.title_note:
        return ("a 决议 carries its adoption line under the title: write title_note, e.g. "
                "2026年1月10日青山镇第十八届人民代表大会第五次会议通过")
    if not ADOPTION.search(doc.title_note):
        return (f"a 决议's title_note gives the date and the meeting that adopted it, ending in "
                f"通过: '{doc.title_note[:30]}'")
    return ""


def _jueyi_no_addressee(doc: Document) -> str:
    if doc.addressees:
        return f"a 决议 is adopted by a meeting and sent to no one: remove to ('{doc.addressees}')"
    return ""


# --- 通告, 公告 (条例 第八条(四)(五): 公布, 在一定范围内 / 向国内外 宣布) ----------------------------
def _posted_no_addressee(kind: str):
    # a 通告 or 公告 is posted or published for everyone: a 主送机关 is a sign of the wrong 文种
    # (a 通知 names whom it is sent to)
    def check(doc: Document) -> str:
        if doc.addressees:
            return (f"a {kind} is posted publicly and has no 主送机关: remove to "
                    f"('{doc.addressees}'), or write a 通知")
        return ""
    return check


_REGULATION = "党政机关公文处理工作条例"
RULES = (
    Rule("qingshi-one-matter", "请示", f"{_REGULATION} 第十五条 一文一事", WARNING, "body",
         _qingshi_one_matter),
    Rule("qingshi-contact", "请示", f"{_REGULATION} 第十五条; GB/T 9704 7.3.6", ERROR, "note",
         _qingshi_contact),
    Rule("qingshi-signers", "请示", "GB/T 9704 7.2.5 上行文标注签发人", ERROR, "signers",
         _qingshi_signers),
    Rule("qingshi-closing", "请示", "practice: a 请示 closes with its request", WARNING, "body",
         _qingshi_closing),
    Rule("baogao-no-request", "报告", f"{_REGULATION} 第十五条 不得夹带请示事项", ERROR, "body",
         _baogao_no_request),
    Rule("baogao-signers", "报告", "GB/T 9704 7.2.5 上行文标注签发人", WARNING, "signers",
         _baogao_signers),
    Rule("pifu-one-addressee", "批复", f"{_REGULATION} 第八条 答复下级机关请示", ERROR, "to",
         _pifu_one_addressee),
    Rule("pifu-cites-title", "批复", "practice: 你单位《…的请示》（…号）收悉", ERROR, "body",
         _pifu_cites_title),
    Rule("pifu-cites-number", "批复", "practice: 你单位《…的请示》（…号）收悉", ERROR, "body",
         _pifu_cites_number),
    Rule("han-letter-format", "函", "GB/T 9704 10.1 信函格式", WARNING, "format",
         _han_letter_format),
    Rule("tongbao-subject", "通报", f"{_REGULATION} 第八条", WARNING, "title", _tongbao_subject),
    Rule("tongbao-no-request", "通报", f"{_REGULATION} 第八条", WARNING, "body",
         _tongbao_no_request),
    Rule("jueding-date", "决定", f"{_REGULATION} 第九条 成文日期", ERROR, "signature",
         _jueding_date),
    Rule("jueding-no-request", "决定", f"{_REGULATION} 第八条", WARNING, "body",
         _jueding_no_request),
    Rule("jueyi-adoption", "决议", f"{_REGULATION} 第八条 会议讨论通过; practice: 题注", ERROR,
         "title_note", _jueyi_adoption),
    Rule("jueyi-no-addressee", "决议", "practice: a 决议 has no 主送机关", WARNING, "to",
         _jueyi_no_addressee),
    Rule("tonggao-no-addressee", "通告", f"{_REGULATION} 第八条 公布", WARNING, "to",
         _posted_no_addressee("通告")),
    Rule("gonggao-no-addressee", "公告", f"{_REGULATION} 第八条 宣布", WARNING, "to",
         _posted_no_addressee("公告")),
)


def check(doc: Document) -> list[Finding]:
    """What the document's 文种 asks that it lacks, errors first."""
    found = [Finding(rule, message) for rule in RULES if rule.kind == doc.kind
             for message in [rule.check(doc)] if message]
    return sorted(found, key=lambda f: f.rule.severity != ERROR)
