"""成文日期 and every other date: written 2026年3月20日 whatever the input form."""
from __future__ import annotations

import datetime as dt
import re

CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
_NUMERIC = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
_CHINESE = re.compile(r"^\s*([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日\s*$")


def cn_number(text: str) -> int:
    """十二 → 12, 二十一 → 21, 三十 → 30, 九 → 9 (dates, heading numbers)."""
    if "十" not in text:
        return CN_DIGITS[text]
    tens, _, units = text.partition("十")
    return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[units] if units else 0)


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
            year = int("".join(str(CN_DIGITS[c]) for c in match.group(1)))
            return dt.date(year, cn_number(match.group(2)), cn_number(match.group(3)))
    except (ValueError, KeyError) as exc:
        raise ValueError(f"'{value}' is not a real date ({exc})") from None
    raise ValueError(f"'{value}' is not a date; write it like 2026年3月20日 or 2026-03-20")


def format_date(value: object) -> str:
    """Arabic numerals, full year, no leading zeros (GB/T 9704 7.3.5)."""
    day = parse_date(value)
    return f"{day.year}年{day.month}月{day.day}日"
