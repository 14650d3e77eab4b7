"""Numbers written the Chinese way: 12.3%, 1260人, 320万元, 1.2亿元, 增长12.3% / 下降4.1% / 持平.

Rounding is 四舍五入 (half up) on the decimal value the spreadsheet shows, as a clerk rounds by
hand: Python's round() and pandas round half to even on the binary float (round(0.125, 2) is
0.12, round(2.675, 2) is 2.67), which is not what a reader checking the table gets.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

# money units and the larger unit a big amount is written in (1.2亿元, not 12000万元)
_MONEY_STEPS = {"元": (("亿元", 10 ** 8), ("万元", 10 ** 4)), "万元": (("亿元", 10 ** 4),)}


def round_half_up(value: float, decimals: int) -> Decimal:
    """The value rounded half up; repr() gives the shortest decimal that is this float, i.e.
    what Excel displays (2.675, not 2.67499999…)."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)


def fixed(value: float, decimals: int) -> str:
    """A number with exactly `decimals` places, no thousands separators (公文 writes 12600)."""
    rounded = round_half_up(value, decimals)
    return f"{abs(rounded) if rounded == 0 else rounded:f}"  # never "-0.0"


def number(value: float, decimals: int, unit: str = "") -> str:
    """A quantity with its unit: 1260人, 320万元; money large enough moves up a unit
    (15600万元 → 1.6亿元; the plan's decimals, at least one: 2 gives 1.56亿元)."""
    for big, factor in _MONEY_STEPS.get(unit, ()):
        if abs(value) >= factor:
            return fixed(value / factor, max(decimals, 1)).rstrip("0").rstrip(".") + big
    return fixed(value, decimals) + unit


def percent(value: float, decimals: int = 1) -> str:
    """A percentage given in percent: 12.345 → 12.3%."""
    return fixed(value, decimals) + "%"


def change(current: float, previous: float, decimals: int = 1) -> str:
    """Year-on-year change in words: 增长12.3%, 下降4.1%, or 持平 when it rounds to zero.
    `previous` must not be zero (the caller names the data when it is)."""
    rate = (current - previous) / abs(previous) * 100
    rounded = round_half_up(abs(rate), decimals)
    if rounded == 0:
        return "持平"
    return ("增长" if rate > 0 else "下降") + f"{rounded:f}%"
