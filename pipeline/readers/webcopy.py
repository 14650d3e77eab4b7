"""What copying a document off a website adds to it, and how a reader takes it off again.

Document-sharing and article sites wrap a pasted 公文 in their own text and break its lines:
pinyin readings after characters (乡(xiāng)镇(zhèn)), breadcrumbs, file details, "小编" prefaces,
the page title repeated with a collection count (（精选3篇）, 范文, 模板汇总5篇), labels before
each of several documents (第一篇：, 篇2, 【第一篇】, 致……信2), the page numbers of online
viewers at the start of each page-long line ("1、…", "2、…"), page markers (-1-), "此处隐藏"
notes, a whole page glued into one line, or a PDF's text broken after every Latin run.

Every pattern here is anchored or bounded, so each line costs time linear in its length.
"""
from __future__ import annotations

import re

from pipeline import forms
from pipeline.forms import CIRCLED

CN_NUM = forms.CN_NUM.replace("百", "")  # a site's labels and numbers inside a line stay below 百

# --- pinyin readings ----------------------------------------------------------------------
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PINYIN = re.compile(rf"(?<=[\u3400-\u9fff])[（(]\s*([a-zü{_TONED}]{{1,7}})\s*[)）]")


def strip_pinyin(text: str, plain_too: bool) -> tuple[str, int]:
    """Remove readings printed after characters: 乡(xiāng)镇(zhèn) → 乡镇. A reading without a
    tone mark (们(men)) goes only when `plain_too` (the draft carries toned readings too)."""
    removed = 0

    def drop(m: re.Match) -> str:
        nonlocal removed
        if plain_too or any(c in _TONED for c in m.group(1)):
            removed += 1
            return ""
        return m.group(0)

    return _PINYIN.sub(drop, text), removed


def toned_readings(text: str) -> int:
    return sum(1 for m in _PINYIN.finditer(text) if any(c in _TONED for c in m.group(1)))


# --- lines a site wraps around a document: (pattern, why it is left out) -------------------
FURNITURE = [
    (re.compile(r"^(时间|時間|发布时间|發布時間)\s*[:：]\s*(\d{4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}"
                r"(\s+\d{1,2}:\d{2}(:\d{2})?)?\s*)?$"), "website furniture (date line)"),
    (re.compile(r"^(来源|來源|作者|浏览|瀏覽|点击|點擊|浏览次数|阅读|閱讀)\s*[:：]"),
     "website furniture (source line)"),
    (re.compile(r"^(导语|導語)\s*[:：]|导语】|導語】"), "website furniture (导语)"),
    (re.compile(r"(来源于网友上传|來源于網友上傳|不代表本站观点|不代表本站觀點|咨询客服|咨詢客服)"),
     "website furniture (disclaimer)"),
    (re.compile(r"^[-•·*]?\s*(文档编号|上传时间|格式|页数|頁數|大小|配套讲稿|特殊限制|关\s*键\s*词|"
                r"ID|资源描述|下载地址|小编|小編)\s*[:：]"),
     "website furniture (file details)"),
    (re.compile(r"由会员分享|由会员上传分享|请在.{0,10}上搜索|可在线阅读|免费在线阅读|"
                r"文章内容仅供预览|点击这里给我发消息|点击此处下载|复制下载|正文复制"),
     "website furniture (sharing note)"),
    (re.compile(r"^\s*(\[\d+\])+\s*(下一页|上一页)?\s*$|"
                r"^\s*(下一页|上一页|返回顶部|返回頂部|首页|尾页|推荐文章|推薦文章|相关推荐|相關推薦|"
                r"举报|扫一扫在手机打开当前页|打印本页|关闭窗口|【?字体[:：].{0,20})\s*$"),
     "page navigation"),
    (re.compile(r"^-?\s*相关推荐\s*$|^-\s*相关推荐"), "website furniture (相关推荐)"),
    (re.compile(r"^\s*[-—–]?\s*\d{1,3}\s*[-—–]?\s*$"), "a page number"),
    (re.compile(r"^\s*[-•·*]?\s*(约\s*[\d.]+\s*(千字|页|頁)|[\d-]{10}\s*发布于.{0,12}|"
                r"\d{4}-\d{2}-\d{2}\s+\d{2}:\d{2}(:\d{2})?)\s*$"),
     "website furniture (file details)"),
    (re.compile(r"\.(docx?|wps|pdf|txt)\s*$", re.I), "a file name"),
    (re.compile(r"^如PPT文件的首页|^部分文档作品中|设计者仅对作品|仅作为作品整体效果示例"),
     "website furniture (download terms)"),
    (re.compile(r"^-\s+\S+(\s+\S+){2,}$"), "website furniture (keyword list)"),
    (re.compile(r"^(?:[^\s，。；：,;:]{1,6}\s+){4,}[^\s，。；：,;:]{1,6}$"),
     "website furniture (menu)"),
    (re.compile(r"^(栏目|欄目|分类|分類|人气|人氣|热度|熱度)\s*[:：]"), "website furniture (page details)"),
    (re.compile(r"^(您的位置|您当前的位置|当前位置|位置)\s*[:：]|^.{0,30}(>>|»|>\s*\S.{0,20}>)"),
     "website furniture (breadcrumb)"),
    (re.compile(r"(索引号|索 引 号|主题分类|主 题 词|发布机构|发文机构|体裁分类|成文日期|有 效 性)"
                r".{0,40}[|:：]"), "website furniture (catalogue fields)"),
    (re.compile(r"https?://|www\.[a-z0-9-]+\.|公众@?号|素材\[?库"), "website furniture (site address)"),
    (re.compile(r"^.{0,12}(以下是|下面是|本文是|本站为你|本站为您|小编|网友为您|为大家整理|为您整理|"
                r"收集整理).{0,60}(参考|阅读|借鉴|欢迎|帮助|分享)"), "website preface"),
    (re.compile(r"^【?写作参考】|希望(对您|对你|可以帮助|能帮助).{0,20}(帮助|朋友)|(小编|小編)(为大家|为您|为你|"
                r"整理|精心|收集)|供大家参考|仅供参考[，,]?\s*欢迎|欢迎大家(阅读|参考|借鉴)"), "website preface"),
    (re.compile(r"^.{0,40}\s_第\d+页\s*$"), "website furniture (page list)"),
    (re.compile(r"^\s*【[^】]{1,30}】\s*相关(文章|推荐|阅读)"), "website furniture (related articles)"),
    (re.compile(r"^[^，。；：,;:]{4,60}?\s*(?<![\d-])(\d{2}-\d{2}|\d{4}-\d{2}-\d{2})\s*$"),
     "website furniture (article list)"),
    (re.compile(r"^\s*\|?\s*(稿件来源|编辑|審核|审核|签发|責任編輯|责任编辑)\s*[:：]"),
     "website furniture (editor line)"),
]
# a site's list of other articles: every line after it is the list, not the document
RELATED_LIST = re.compile(r"^\s*(【[^】]{1,30}】\s*)?(相关文章|相关推荐|相关阅读|猜你喜欢|热门文章|"
                          r"相關文章|推荐阅读)\s*[:：]?\s*$")
HIDDEN_NOTE = re.compile(r"[…\.]{1,6}\s*此处隐藏\s*\d{1,7}\s*个字\s*[…\.]{1,6}")
PAGE_MARKER = re.compile(r"\s[-—–]\s?\d{1,3}\s?[-—–](?=\s|$)")


# what only a site's page around the document says: taken off at the two ends of a draft, but
# inside the text (a 网址 line, a date in a notice) it is the document's own
ENDS_ONLY = {"website furniture (site address)", "website furniture (breadcrumb)",
             "website furniture (article list)", "website furniture (editor line)",
             "website furniture (source line)", "website furniture (keyword list)",
             "website furniture (menu)"}


def furniture(text: str, at_an_end: bool = True) -> str | None:
    bare = re.sub(r"^\s*[•·]\s*", "", text)  # a site's bullet list
    return next((why for pattern, why in FURNITURE if pattern.search(bare)
                 and (at_an_end or why not in ENDS_ONLY)), None)


# --- labels a site puts on documents and titles -------------------------------------------
_IDX = rf"[{CN_NUM}\d]{{1,3}}"
# a label standing alone or after a title: 篇1, 第二篇, 【第一篇】, [篇2], 『范文1』, （二）, 范文二
_LABEL = re.compile(
    rf"\s*(?:篇\s*(?P<a>{_IDX})|第\s*(?P<b>{_IDX})\s*篇|【\s*第\s*(?P<c>{_IDX})\s*篇\s*】|"
    rf"\[\s*篇\s*(?P<d>{_IDX})\s*\]|『\s*范文\s*(?P<e>{_IDX})\s*』|"
    rf"[（(]\s*(?P<f>[{CN_NUM}]{{1,3}})\s*[)）]|"
    rf"范文\s*(?P<g>[{CN_NUM}\d]{{1,2}})|(?P<h>\d{{1,2}}))\s*[:：]?\s*$")
# what a page title adds after the document's own title
_COLLECTION = re.compile(
    r"\s*(?:[（(【\[]\s*(?:精[选選]|通用|优质|優質|汇总|匯總|最新|热门|熱門|推荐|推薦|实用|實用|"
    r"必备|精华|经典)?\s*\d{1,3}\s*篇\s*[)）】\]]|(?:\d{4}年)?(?:格式|写作|优秀|最新|精选|通用)?"
    r"(?:范文|範文)(?:精选|精選|范例|範例|大全|汇总|模板)*|模板(?:汇总|匯總)?\s*(?:\d{1,3}篇)?|"
    r"(?:汇总|匯總)\s*\d{1,3}\s*篇|[\d一二三四五六七八九十]{1,3}\s*篇|\d{2,5}字|具体|参考|參考|"
    r"[（(]\s*(?:精[选選]|通用|优质|汇总)?多篇\s*[)）]|\.docx?|\.wps|"
    r"\.pdf|VIP)\s*$", re.I)
# an alternative title in brackets after the title: 乡镇五年人大工作报告(乡镇五年人大工作总结)
ALTERNATIVE = re.compile(r"\s*[（(][^（）()]{2,40}[)）]$")
_DOC_PREFIX = re.compile(rf"^\s*第\s*{_IDX}\s*篇\s*[:：\s]\s*(?=\S)")
# a site's preface naming the document: 《X》, 整理了X范文, X一文
PREFACE_TITLE = re.compile(r"《(?P<a>[^《》]{4,60})》|整理了(?:一篇)?(?P<b>[^，。,《》]{4,50}?)(?:范文|範文)|"
                           r"(?P<c>[^，。,：:《》]{4,50}?)一文")


def split_label(text: str) -> tuple[str, int]:
    """(text without a trailing document label, the label's index or 0)."""
    if len(text) > 200:
        return text, 0
    m = _LABEL.search(text)
    if not m or m.start() == 0 and m.group("h"):
        return text, 0
    value = next(v for v in m.groupdict().values() if v)
    return text[:m.start()].rstrip(), forms.label_number(value)


def strip_collection(text: str) -> str:
    """A page title without its collection count or 范文-style suffixes, repeatedly."""
    if len(text) > 200:
        return text
    for _ in range(4):
        m = _COLLECTION.search(text)
        if not m or m.start() == 0:
            break
        text = text[:m.start()].rstrip()
    return text


def doc_prefix(text: str) -> tuple[str, bool]:
    """A 第一篇： label in front of a title."""
    m = _DOC_PREFIX.match(text)
    return (text[m.end():], True) if m else (text, False)


# --- headings inside a glued line ---------------------------------------------------------
# a heading number that may start a heading, with its level and value
LABEL_START = re.compile(
    rf"(?P<l1>[{CN_NUM}]{{1,3}})\s*[、．.]|[（(]\s*(?P<l2>[{CN_NUM}]{{1,3}})\s*[)）]|"
    rf"(?P<l3>\d{{1,2}})\s*[、．.](?![\d.．])|[（(]\s*(?P<l4>\d{{1,2}})\s*[)）]|(?P<c4>[{CIRCLED}])")
# where a heading can start inside a line: after a sentence end, a colon or a gap
_INLINE_AT = re.compile(r"(?:[。！？；;!?：:]\s*|\s+)(?=[（(]?[一二三四五六七八九十\d①-⑳])")


def label_value(m: re.Match) -> tuple[int, int]:
    """(level, number) of a LABEL_START match."""
    for level, key in ((1, "l1"), (2, "l2"), (3, "l3"), (4, "l4")):
        if m.group(key):
            return level, forms.label_number(m.group(key))
    return 4, forms.label_number(m.group("c4"))


class Numbering:
    """The heading numbers met so far, to tell the next heading from a number in the text."""

    def __init__(self):
        self.last = [0, 0, 0, 0]

    def fits(self, level: int, n: int) -> bool:
        return n == 1 or n == self.last[level - 1] + 1

    def see(self, level: int, n: int) -> None:
        self.last[level - 1] = n
        for deeper in range(level, 4):
            self.last[deeper] = 0


def inline_heading_cuts(text: str, numbering: Numbering) -> list[int]:
    """Where a glued line holds the start of another heading (… 宝贵意见。一、2022年主要工作
    …): after a sentence end, colon or gap, a heading number that continues the numbering."""
    cuts = []
    for m in _INLINE_AT.finditer(text):
        at = m.end()
        label = LABEL_START.match(text, at)
        if not label:
            continue
        level, n = label_value(label)
        if numbering.fits(level, n) and at + len(label.group(0)) < len(text):
            numbering.see(level, n)
            cuts.append(at)
    return cuts


def rejoin_broken(lines: list[str]) -> list[int] | None:
    """A PDF's text broken after every Latin run ("XX" / "镇" / "2023" / "年政府工作报告"):
    for each line, whether it continues the one before; None when the text is not broken."""
    texts = [t.strip() for t in lines]
    content = [t for t in texts if t]
    if len(content) < 12 or sum(len(t) <= 3 for t in content) < 0.3 * len(content):
        return None
    joins, previous = [], ""
    for text in texts:
        if not text:
            joins.append(0)
            continue
        starts_heading = bool(LABEL_START.match(text)) and len(previous) > 3
        ends = previous[-1:] in "。！？；：:;!?" if previous else True
        joins.append(0 if ends or starts_heading else 1)
        previous = text
    return joins
