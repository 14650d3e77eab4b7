"""The plan's data sections: `data:` (files), `tables:`, `figures:`, `charts:`.

Validated with the same strict pydantic models as the rest of the plan, so a misspelt key is
reported with its line and a suggestion (readers/validation.py's plan_error).
"""
from __future__ import annotations

from typing import Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Scalar = Union[str, int, float]
# a filter: column → value, or column → list of values (any of them)
Where = dict[str, Union[Scalar, list[Scalar]]]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True)


class SourcePlan(_Strict):
    file: str  # relative to the plan
    sheet: Optional[Union[str, int]] = None  # a name, or a number from 1; default the first
    header_row: Optional[int] = Field(None, ge=1)  # as Excel numbers it; default: found


class Change(_Strict):
    """A derived column: the change from `previous` to `current`, in percent."""
    change: tuple[str, str]  # (current column, previous column)


class Share(_Strict):
    """A derived column: each row's share of the column's total, in percent."""
    share: str


class Pivot(_Strict):
    index: str  # rows
    columns: str  # one column per distinct value
    values: str  # summed into the cells


ColumnSpec = Union[str, dict[str, Union[str, Change, Share]]]


class TablePlan(_Strict):
    from_: str = Field(alias="from")
    columns: Optional[list[ColumnSpec]] = None  # default: all (or the pivot's)
    where: Where = {}
    group_by: Optional[Union[str, list[str]]] = None  # rows summed per group
    pivot: Optional[Pivot] = None
    sort: Optional[str] = None  # a column; "-列" for descending
    total: Optional[str] = None  # the label of a 合计 row, e.g. 合计
    unit: Optional[str] = None  # "万元" → 单位：万元 above the table, on the right
    caption: Optional[str] = None  # 表1 …, centred above the table
    decimals: Union[int, dict[str, int]] = 0  # per table, or per column

    @model_validator(mode="after")
    def _one_shape(self):
        if self.pivot and self.group_by:
            raise ValueError("give either group_by or pivot, not both")
        return self


class FigurePlan(_Strict):
    from_: str = Field(alias="from")
    value: Optional[str] = None  # the column summed (not needed for count)
    where: Where = {}
    agg: Literal["sum", "mean", "max", "min", "count"] = "sum"
    as_: Literal["number", "share", "change"] = Field("number", alias="as")
    compare: Optional[Union[str, Where]] = None  # change: the previous column, or a filter
    of: Union[str, Where] = {}  # share: the whole: another column, or a filter (default all)
    unit: str = ""  # 人, 万元, 元 …; money moves up to 亿元 when large
    decimals: Optional[int] = Field(None, ge=0, le=6)  # default 0 for numbers, 1 for percents

    @model_validator(mode="after")
    def _needs(self):
        if self.agg != "count" and not self.value:
            raise ValueError("'value' names the column to add up (or agg: count)")
        if self.as_ == "change" and self.compare is None:
            raise ValueError("as: change needs 'compare': the previous year's column, or a "
                             "filter for the previous year, e.g. compare: {年份: 2024}")
        return self


class ChartPlan(_Strict):
    from_: str = Field(alias="from")
    x: str  # categories (months, villages)
    y: Union[str, list[str]]  # one or more value columns (summed per x)
    kind: Literal["bar", "line", "pie"] = "bar"
    where: Where = {}
    caption: Optional[str] = None  # 图1 …, centred below the chart
    unit: Optional[str] = None  # the value axis label, e.g. 件
    lines: int = Field(10, ge=4, le=20)  # height in body lines (29.7 pt each)

    @field_validator("y")
    @classmethod
    def _y(cls, value):
        return [value] if isinstance(value, str) else value


class ReportPlan(_Strict):
    """The four sections together."""
    data: dict[str, SourcePlan] = {}
    tables: dict[str, TablePlan] = {}
    figures: dict[str, FigurePlan] = {}
    charts: dict[str, ChartPlan] = {}


SECTIONS = tuple(ReportPlan.model_fields)  # data, tables, figures, charts


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]
