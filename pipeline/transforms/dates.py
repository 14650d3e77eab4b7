"""Kept only for pipeline/check.py, which imports cn_number from here; dates and numerals are
in pipeline.forms (format_date, parse_date, cn_to_int). Delete once check.py imports those."""
from __future__ import annotations

from pipeline.forms import cn_to_int


def cn_number(text: str) -> int:
    """cn_to_int, failing with KeyError as check.py expects."""
    try:
        return cn_to_int(text)
    except ValueError as exc:
        raise KeyError(text) from exc
