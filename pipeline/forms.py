"""The standard's written forms, in one table: 发文字号, heading labels, dates, Chinese numerals.

Readers recognise these forms (also as clerks mistype them), transforms write them, the
register and certificates number with them, the checker reports against them; all take them
from here, so a form is spelt once. Sizes and distances stay in pipeline.standard.

Chinese numerals are converted here rather than with cn2an: cn2an takes 0.3–1.3 s to import
(it loads its own configuration and a dependency), which every cold start of the command would
pay for the few numbers a 公文 carries (heading labels up to 99, dates, 第N号).
"""
from __future__ import annotations

import datetime as dt
import re

# --- Chinese numerals ---------------------------------------------------------------------
CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_WRITE_DIGITS = "〇一二三四五六七八九"  # 〇, not 零, in a year written digit by digit
CN_NUM = "一二三四五六七八九十百"  # what a heading number typed in Chinese is made of
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"  # ① … ⑳, a 4th-level number as drafts type it


def cn_to_int(text: str) -> int:
    """十一 → 11, 二十 → 20, 一百零五 → 105, 〇 → 0; a year written digit by digit (二〇二六)
    → 2026. ValueError for anything else."""
    text = text.strip()
    if not text or any(c not in CN_DIGITS and c not in _CN_UNITS for c in text):
        raise ValueError(f"'{text}' is not a number in Chinese numerals")
    if all(c in CN_DIGITS for c in text):  # 二〇二六, or one digit
        return int("".join(str(CN_DIGITS[c]) for c in text))
    total, digit, last_unit = 0, None, 10_000
    for c in text:
        if c in CN_DIGITS:
            if digit is not None and CN_DIGITS[c] and digit:  # 二三十: two digits in a row
                raise ValueError(f"'{text}' is not a number in Chinese numerals")
            digit = CN_DIGITS[c]
        else:
            unit = _CN_UNITS[c]
            if unit >= last_unit or digit == 0 or (digit is None and (unit != 10 or total)):
                raise ValueError(f"'{text}' is not a number in Chinese numerals")
            # 十 alone at the start stands for 一十 (十一 = 11)
            total += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
    if digit:
        total += digit
    return total


def int_to_cn(n: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 105 → 一百零五, 0 → 〇 (0..9999; Word's
    chineseCounting writes the same up to 99)."""
    if not 0 <= n < 10_000:
        raise ValueError(f"{n} is outside 0..9999")
    if n == 0:
        return "〇"
    out, zero = "", False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, unit)
        if d:
            if zero and out:
                out += "零"
            # 十一, not 一十一, when the number starts at the tens
            out += ("" if (unit == 10 and d == 1 and not out) else _WRITE_DIGITS[d]) + name
            zero = False
        elif out:
            zero = True
    return out


# --- 发文字号 (GB/T 9704 7.2.4): 机关代字 + 〔year〕 + sequence + 号 -----------------------------
DOC_NUMBER_PATTERN = "{code}〔{year}〕{seq}号"
DOC_NUMBER_EXAMPLE = "舟组基〔2012〕19号"  # the standard's own example
DOC_NUMBER = re.compile(r"^(?P<code>[^〔〕\[\]()（）]+)〔(?P<year>\d{4})〕(?P<seq>[1-9]\d*)号$")
# 机关代字 alone, as the register numbers under it: no brackets, digits, spaces, 第 or 号
DOC_CODE = re.compile(r"^[^\s〔〕\[\]()（）【】\d第号][^\s〔〕\[\]()（）【】]*$")
# a number as drafts type it: other brackets, 第, leading zeros, spaces
DOC_NUMBER_LOOSE = re.compile(r"^(?P<code>[^\s〔〕\[\]()（）【】\d]{1,12})\s*[〔\[(（【]\s*(?P<year>\d{4})"
                              r"\s*[〕\])）】]\s*第?\s*0*(?P<seq>\d+)\s*号$")
# something that looks meant as a number at the start of a line (for reports on a document)
DOC_NUMBER_LIKE = re.compile(r"^\S{1,12}[〔\[(（【]\s*\d{2,4}\s*[〕\])）】]\s*第?\s*\d+\s*号")


def format_doc_number(code: str, year: int | str, seq: int | str) -> str:
    return DOC_NUMBER_PATTERN.format(code=code, year=year, seq=int(seq))


def parse_doc_number(text: str) -> tuple[str, int, int]:
    """(code, year, seq) of a number in the standard's form; ValueError saying why not."""
    m = DOC_NUMBER.match(check_doc_number(text))
    return m["code"], int(m["year"]), int(m["seq"])


def suggest_doc_number(value: str) -> str:
    """The number with every usual slip mended (brackets, 第, leading zeros, short year,
    full-width digits), if that gives a valid number; else "". A suggestion the checker
    would reject again is worse than none."""
    fixed = value.translate({c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)})
    fixed = re.sub(r"[\[(（【〔](\d{2}|\d{4})[\])）】〕]", r"〔\1〕", fixed).replace("第", "")
    fixed = re.sub(r"〔(\d{2})〕", r"〔20\1〕", fixed)
    fixed = re.sub(r"〕0+(\d)", r"〕\1", fixed)
    fixed = re.sub(r"\s+", "", fixed)
    if not fixed.endswith("号") and re.search(r"〕\d+$", fixed):
        fixed += "号"
    return fixed if DOC_NUMBER.match(fixed) else ""


def check_doc_number(value: str) -> str:
    """Return the number if it has the standard's form, else raise ValueError saying why."""
    value = value.strip()
    if DOC_NUMBER.match(value):
        return value
    fixed = suggest_doc_number(value)
    example = f", e.g. {fixed}" if fixed else ""
    if re.search(r"[\[\]()（）【】]", value):
        raise ValueError(f"'{value}': the year takes hexagonal brackets 〔〕{example}")
    if "第" in value:
        raise ValueError(f"'{value}': no 第 before the sequence{example}")
    if re.search(r"〕0\d*号$", value):
        raise ValueError(f"'{value}': no leading zeros in the sequence{example}")
    if re.search(r"〔\d{2}〕", value):
        raise ValueError(f"'{value}': write the year in full, e.g. 〔2026〕")
    raise ValueError(f"'{value}' is not a document number like {DOC_NUMBER_EXAMPLE}")


def loose_doc_number(text: str) -> str:
    """A number as a draft types it (青政发[2026]第05号) in the standard's form, or ""."""
    m = DOC_NUMBER_LOOSE.match(text.replace(" ", ""))
    return format_doc_number(m["code"], m["year"], m["seq"]) if m else ""


# --- heading labels (GB/T 9704 7.3.3): 一、 （一） 1. （1） --------------------------------
HEADING_LABELS = {1: "{cn}、", 2: "（{cn}）", 3: "{n}.", 4: "（{n}）"}
MAX_HEADING_NUMBER = 99  # Word's chineseCounting and every real document stay below 100


def heading_label(level: int, n: int) -> str:
    """The label of the n-th heading of a level: (1, 11) → 十一、, (4, 2) → （2）."""
    if not 0 < n <= MAX_HEADING_NUMBER:
        raise ValueError(f"heading number {n} is outside 1..{MAX_HEADING_NUMBER}")
    return HEADING_LABELS[level].format(cn=int_to_cn(n), n=n)


def word_number_format(level: int) -> tuple[str, str]:
    """The level's label as Word numbering: (numFmt, lvlText), e.g. ("chineseCounting", "%1、")."""
    form = HEADING_LABELS[level]
    kind = "chineseCounting" if "{cn}" in form else "decimal"
    return kind, form.format(cn=f"%{level}", n=f"%{level}")


# (level, pattern, how the label should read): the forms a draft types a heading number in,
# the right one and the usual slips; the text after the label is group "text"
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


def heading_form(text: str) -> tuple[int, str, str, str] | None:
    """(level, label as typed, text, label as it should read) when the line starts with a
    heading number in any form a draft uses, or Markdown #; None otherwise."""
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


def label_number(n: str) -> int:
    """The number a label's numeral stands for: 3 → 3, ③ → 3, 十一 → 11; 0 when it is none."""
    if len(n) == 1 and n in CIRCLED:  # before isdigit(), which ③ passes
        return CIRCLED.index(n) + 1
    if n.isdecimal():  # 12, and full-width １２
        return int(n)
    try:
        return cn_to_int(n)
    except ValueError:
        return 0


# A label typed by hand in front of a heading a plan gives (the pipeline numbers headings
# itself, so a typed label would be doubled)
TYPED_LABEL = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]"
    r"|[（(]\s*[一二三四五六七八九十]+\s*[）)]\s*[、.．]?"
    r"|\d+\s*[、.．](?!\d)"
    r"|[（(]\s*\d+\s*[）)]\s*[、.．]?"
    r"|[①②③④⑤⑥⑦⑧⑨⑩])\s*"
)


def strip_typed_label(text: str) -> str:
    return TYPED_LABEL.sub("", text, count=1)


# --- dates (GB/T 9704 7.3.5): 2026年3月20日, Arabic numerals, no leading zeros --------------
DATE_LINE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
# a date written with a leading zero (2026年03月20日), which the standard's form has not
LEADING_ZERO_DATE = re.compile(r"\d{4}年0\d月|\d{4}年\d{1,2}月0\d日")
# a date in Chinese numerals (二〇一二年三月二十日), the form before GB/T 9704-2012
OLD_DATE = re.compile(r"([〇零○Ｏ一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月"
                      r"(?:([一二三四五六七八九十]{1,3})日)?")
_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
_NUMERIC = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
_CHINESE = re.compile(r"^\s*([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月"
                      r"([一二三四五六七八九十]{1,3})日\s*$")


def date_text(year: int | str, month: int | str, day: int | str) -> str:
    """2026, 03, 20 → 2026年3月20日 (not checked to be a real day: see format_date)."""
    return f"{int(year)}年{int(month)}月{int(day)}日"


def parse_date(value: object) -> dt.date:
    """Accept a date, 2026-03-20, 2026/3/20, 2026.3.20, 2026年3月20日 or 二〇二六年三月二十日."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).translate(_FULLWIDTH)
    match = _NUMERIC.match(text)
    try:
        if match:
            return dt.date(*(int(g) for g in match.groups()))
        match = _CHINESE.match(text)
        if match:
            return dt.date(*(cn_to_int(g) for g in match.groups()))
    except ValueError as exc:
        raise ValueError(f"'{value}' is not a real date ({exc})") from None
    raise ValueError(f"'{value}' is not a date; write it like 2026年3月20日 or 2026-03-20")


def format_date(value: object) -> str:
    """Any accepted date in the standard's form, checked to be a real day."""
    day = parse_date(value)
    return date_text(day.year, day.month, day.day)


def modernise_dates(text: str) -> tuple[str, int]:
    """二〇一二年三月二十日 → 2012年3月20日 inside a text; returns (text, dates changed)."""
    def repl(m):
        try:  # the year digit by digit, as written (〇〇一二 stays 0012, not 12)
            out = "".join(str(CN_DIGITS[c]) for c in m.group(1)) + f"年{cn_to_int(m.group(2))}月"
            return out + (f"{cn_to_int(m.group(3))}日" if m.group(3) else "")
        except ValueError:  # 十十月 is no date: left as typed
            return m.group(0)
    return OLD_DATE.subn(repl, text)


def has_old_date(text: str) -> bool:
    return bool(OLD_DATE.search(text))
