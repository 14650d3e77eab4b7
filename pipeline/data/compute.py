"""The arithmetic of a report, done by pandas on the rows a plan selects: filters, group-by,
pivot, sums, shares, year-on-year change, a 合计 row. Results are model.Table blocks and the
text of figures; every failure names the spreadsheet cell or the plan entry behind it."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline import model
from pipeline.data import numbers as fmt
from pipeline.data.schema import Change, FigurePlan, Share, TablePlan, as_list
from pipeline.data.sources import Sheet, cell_text
from pipeline.errors import DataError

PERCENT_DECIMALS = 1  # shares and changes, unless the plan says otherwise


def _norm(value) -> str:
    """A cell or a filter value as comparable text: 2025, 2025.0 and '2025' are one year."""
    return cell_text(value).strip()


def text_of(sheet: Sheet, column: str) -> pd.Series:
    return sheet.text(column)


def select(sheet: Sheet, where: dict, used_by: str) -> np.ndarray:
    """A mask of the rows matching every filter (column = value, or any of a list); a boolean
    mask, not row labels, so taking the rows is one vectorised pass."""
    mask = np.ones(len(sheet.frame), dtype=bool)
    for name, wanted in where.items():
        column = sheet.column(name, used_by)
        mask &= sheet.matching(column, {_norm(v) for v in as_list(wanted)})
    if not mask.any():
        shown = "; ".join(f"{k} = {'/'.join(map(str, as_list(v)))}" for k, v in where.items())
        hint = ""
        if where:
            first = sheet.column(next(iter(where)), used_by)
            values = list(text_of(sheet, first).unique()[:8])
            hint = f" ({first} has: {', '.join(values)}{' …' if len(values) == 8 else ''})"
        raise DataError(f"{used_by}: no row of {sheet.label} matches {shown or 'anything'}"
                        f"{hint}; the selection is empty", file=sheet.path)
    return mask


def aggregate(values: pd.Series, how: str) -> float:
    if how == "count":
        return float(len(values))
    return float(getattr(values, how)())


# --- figures -----------------------------------------------------------------------------
def figure_text(name: str, spec: FigurePlan, sheet: Sheet) -> str:
    used_by = f"figures.{name}"

    def value_over(where: dict, column: str | None = None) -> float:
        rows = select(sheet, where, used_by)
        if spec.agg == "count":
            return float(rows.sum())
        col = sheet.column(column or spec.value, used_by)
        return aggregate(sheet.numbers(col, used_by)[rows], spec.agg)

    current = value_over(spec.where)
    if spec.as_ == "number":
        decimals = spec.decimals if spec.decimals is not None else (
            0 if float(current).is_integer() else 1)
        return fmt.number(current, decimals, spec.unit)
    decimals = spec.decimals if spec.decimals is not None else PERCENT_DECIMALS
    if spec.as_ == "share":
        if isinstance(spec.of, str):
            whole, what = value_over(spec.where, spec.of), spec.of
        else:
            whole, what = value_over(spec.of), f"{spec.value} over {_describe(spec.of)}"
        if whole == 0:
            raise DataError(f"{used_by}: the whole ({what}) adds up to 0; a share of nothing "
                            "has no percentage (division by zero)", file=sheet.path)
        return fmt.percent(current / whole * 100, decimals)
    if isinstance(spec.compare, str):
        previous = value_over(spec.where, spec.compare)
        what = spec.compare
    else:
        previous = value_over({**spec.where, **spec.compare})
        what = f"{spec.value} over {_describe({**spec.where, **spec.compare})}"
    if previous == 0:
        raise DataError(f"{used_by}: the value compared with ({what}) is 0; a change from "
                        "zero has no percentage (division by zero)", file=sheet.path)
    return fmt.change(current, previous, decimals)


def _describe(where: dict) -> str:
    return "; ".join(f"{k} = {'/'.join(map(str, as_list(v)))}" for k, v in where.items()) \
        or "all rows"


# --- tables ------------------------------------------------------------------------------
@dataclass
class _Column:
    title: str  # shown in the header
    source: str | None  # sheet column, for plain columns
    derived: Change | Share | None = None
    numeric: bool = False


def _columns(spec: TablePlan, sheet: Sheet, used_by: str) -> list[_Column]:
    if spec.columns is None:
        return [_Column(c, c) for c in sheet.frame.columns]
    out = []
    for item in spec.columns:
        if isinstance(item, str):
            out.append(_Column(item, sheet.column(item, used_by)))
            continue
        for title, what in item.items():
            if isinstance(what, str):
                out.append(_Column(title, sheet.column(what, used_by)))
            else:
                out.append(_Column(title, None, what, numeric=True))
    return out


def build_table(name: str, spec: TablePlan, sheet: Sheet) -> model.Table:
    used_by = f"tables.{name}"
    rows = select(sheet, spec.where, used_by)
    if spec.pivot:
        frame, columns = _pivot(spec, sheet, rows, used_by)
    else:
        frame, columns = _plain(spec, sheet, rows, used_by)
    if spec.sort:
        key = spec.sort.lstrip("-")
        if key not in frame.columns:
            raise DataError(f"{used_by}: sort: '{key}' is not one of the table's columns "
                            f"({', '.join(map(str, frame.columns))})", file=sheet.path)
        frame = frame.sort_values(key, ascending=not spec.sort.startswith("-"), kind="stable")
    # the 合计 row adds up the unrounded values (then rounds), as a statistician does
    totals = {col: frame[col].sum() for col in frame.columns
              if pd.api.types.is_numeric_dtype(frame[col])}
    for c in columns:  # derived columns are recomputed from the table's values, and totals
        if c.derived:
            frame[c.title] = _derive(c, frame, used_by, sheet)
            totals[c.title] = _derive(c, pd.DataFrame([totals]), used_by, sheet, total=True).iloc[0]

    def decimals(column: _Column) -> int:
        if isinstance(spec.decimals, dict) and column.title in spec.decimals:
            return spec.decimals[column.title]
        if column.derived:
            return PERCENT_DECIMALS
        return spec.decimals if isinstance(spec.decimals, int) else 0

    def cell(column: _Column, value) -> str:
        return fmt.fixed(value, decimals(column)) if column.numeric else str(value)

    body = [[cell(c, row[c.title]) for c in columns] for _, row in frame.iterrows()]
    total = None
    if spec.total:
        total = [cell(c, totals[c.title]) if c.numeric else "" for c in columns]
        total[0] = spec.total
    return model.Table(header=[c.title for c in columns], rows=body, caption=spec.caption or "",
                       unit=spec.unit or "", total=total,
                       align=["right" if c.numeric else "center" for c in columns])


def _plain(spec: TablePlan, sheet: Sheet, rows: pd.Index, used_by: str):
    columns = _columns(spec, sheet, used_by)
    groups = [sheet.column(g, used_by) for g in as_list(spec.group_by)] if spec.group_by else []
    plain = [c for c in columns if c.source]
    for c in plain:
        c.numeric = c.source not in groups and sheet.is_numeric(c.source)
    if len({c.title for c in columns}) != len(columns):
        raise DataError(f"{used_by}: two columns have the same title", file=sheet.path)
    data = {}
    for c in plain:
        data[c.title] = (sheet.numbers(c.source, used_by)[rows] if c.numeric
                         else text_of(sheet, c.source)[rows])
    frame = pd.DataFrame(data, index=sheet.frame.index[rows])
    for c in columns:
        for source in _derived_sources(c):
            if source not in frame.columns:
                col = sheet.column(source, used_by)
                frame[source] = sheet.numbers(col, used_by)[rows]
    if groups:
        titles = {c.source: c.title for c in plain}
        keys = [titles.get(g, g) for g in groups]
        for g, k in zip(groups, keys):
            if k not in frame.columns:
                frame[k] = text_of(sheet, g)[rows]
        stray = [c.title for c in plain if not c.numeric and c.title not in keys]
        if stray:
            raise DataError(f"{used_by}: column {', '.join(stray)} holds text, and rows are "
                            f"summed per {', '.join(keys)}; list only the groups and numbers",
                            file=sheet.path)
        frame = frame.groupby(keys, sort=False, as_index=False).sum(numeric_only=True)
    return frame, columns


def _derived_sources(column: _Column) -> list[str]:
    if isinstance(column.derived, Change):
        return list(column.derived.change)
    if isinstance(column.derived, Share):
        return [column.derived.share]
    return []


def _derive(column: _Column, frame: pd.DataFrame, used_by: str, sheet: Sheet,
            total: bool = False) -> pd.Series:
    if isinstance(column.derived, Share):
        values = frame[column.derived.share]
        whole = values.sum()
        if whole == 0:
            raise DataError(f"{used_by}: column {column.title}: {column.derived.share} adds up "
                            "to 0; shares of nothing have no percentage", file=sheet.path)
        return values / whole * 100
    current, previous = (frame[c] for c in column.derived.change)
    zero = previous == 0
    if zero.any():
        where = "the 合计 row" if total else f"the row of {frame.iloc[int(zero.argmax()), 0]}"
        raise DataError(f"{used_by}: column {column.title}: {column.derived.change[1]} is 0 in "
                        f"{where}; a change from zero has no percentage (division by zero)",
                        file=sheet.path)
    return (current - previous) / previous.abs() * 100


def _pivot(spec: TablePlan, sheet: Sheet, rows: pd.Index, used_by: str):
    p = spec.pivot
    index, across = sheet.column(p.index, used_by), sheet.column(p.columns, used_by)
    values = sheet.column(p.values, used_by)
    long = pd.DataFrame({"i": text_of(sheet, index)[rows],
                         "c": text_of(sheet, across)[rows],
                         "v": sheet.numbers(values, used_by)[rows]})
    wide = long.pivot_table(index="i", columns="c", values="v", aggfunc="sum", fill_value=0,
                            sort=False)
    wide = wide.reindex(index=long["i"].unique(), columns=long["c"].unique())  # sheet order
    wide = wide.reset_index()
    wide.columns = [index, *wide.columns[1:]]
    wide.columns = [str(c) for c in wide.columns]
    columns = [_Column(index, index)] + [_Column(str(c), str(c), numeric=True)
                                         for c in wide.columns[1:]]
    if spec.columns is not None:
        raise DataError(f"{used_by}: a pivot makes its own columns; leave out 'columns'",
                        file=sheet.path)
    return wide, columns
