"""A 100,000-row spreadsheet summarised into a report: pandas against a plain-Python loop.

    python3 bench/report_speed.py [--rows 100000] [--repeat 3] [--xlsx]

Writes a CSV of service-centre cases (year, month, village, category, received, closed), a
plan with a table per village (sums, a change column, 合计), a month × year pivot and six
figures (sums, a share, year-on-year changes), then times, best of --repeat:
  ours      the plan's data stage as a build runs it: read the file, find the header, check
            every summed cell, filter, group, pivot, total, format (pipeline.data via
            read_plan + to_document; no chart, whose cost does not grow with the rows)
  baseline  the same results with the csv module and dict-accumulating loops, the code one
            would write without pandas (every cell converted and checked the same way)
Both must produce the same table cells and figures; the ratio is baseline / ours. The time of
a whole `gongwen build --format docx` of the report is printed for scale. With --xlsx the
same rows are read from an Excel file instead (openpyxl does the parsing for both, so the
reading dominates and the ratio is smaller).
"""
from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.build import build_plan  # noqa: E402
from pipeline.data import sources  # noqa: E402
from pipeline.model import Paragraph, Table  # noqa: E402
from pipeline.readers.plan import read_plan, to_document  # noqa: E402

VILLAGES = ["青山村", "绿水村", "石门村", "桃源村", "竹溪村", "龙潭村", "枫林村", "茶园村",
            "白沙村", "清泉社区"]
CATEGORIES = ["社会保障", "户籍证明", "农业农村", "不动产", "其他"]
HEADER = ["年份", "月份", "村", "事项类别", "受理件数", "办结件数"]

PLAN = """\
organ: 青山镇人民政府
number: 青政〔2026〕9号
title: 青山镇人民政府关于便民服务情况的报告
data:
  cases: {file: cases.FMT}
figures:
  received: {from: cases, value: 受理件数, where: {年份: 2025}, unit: 件}
  received_change: {from: cases, value: 受理件数, where: {年份: 2025}, compare: {年份: 2024}, as: change}
  closed_rate: {from: cases, value: 办结件数, where: {年份: 2025}, of: 受理件数, as: share}
  social: {from: cases, value: 受理件数, where: {年份: 2025, 事项类别: 社会保障}, unit: 件}
  social_share: {from: cases, value: 受理件数, where: {年份: 2025, 事项类别: 社会保障}, of: {年份: 2025}, as: share}
  closed_change: {from: cases, value: 办结件数, where: {年份: 2025}, compare: {年份: 2024}, as: change}
tables:
  villages:
    from: cases
    where: {年份: 2025}
    group_by: 村
    columns: [村, 受理件数, 办结件数, {办结率（%）: {share: 办结件数}}]
    total: 合计
  months:
    from: cases
    pivot: {index: 月份, columns: 年份, values: 受理件数}
    total: 合计
body: |
  全年受理{{ figures.received }}，同比{{ figures.received_change }}，办结率{{ figures.closed_rate }}；社会保障类{{ figures.social }}，占{{ figures.social_share }}；办结同比{{ figures.closed_change }}。
  {{ tables.villages }}
  {{ tables.months }}
"""


def make_rows(n: int) -> list[list]:
    rnd = random.Random(9704)
    rows = []
    for _ in range(n):
        received = rnd.randint(1, 20)
        rows.append([rnd.choice((2024, 2025)), f"{rnd.randint(1, 12)}月", rnd.choice(VILLAGES),
                     rnd.choice(CATEGORIES), received, received - rnd.randint(0, 1)])
    return rows


def write_data(folder: Path, rows: list[list], xlsx: bool) -> Path:
    if xlsx:
        import openpyxl

        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("数据")
        sheet.append(HEADER)
        for row in rows:
            sheet.append(row)
        path = folder / "cases.xlsx"
        book.save(path)
    else:
        path = folder / "cases.csv"
        with open(path, "w", encoding="utf-8", newline="") as f:
            out = csv.writer(f)
            out.writerow(HEADER)
            out.writerows(rows)
    plan = folder / "report.yaml"
    plan.write_text(PLAN.replace("FMT", path.suffix[1:]), encoding="utf-8")
    return plan


def ours(plan: Path):
    sources._read.cache_clear()  # read the file each time, as a fresh build does
    parsed, src = read_plan(plan)
    doc = to_document(parsed, src)
    text = next(b.text for b in doc.blocks if isinstance(b, Paragraph))
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    return text, [(t.rows, t.total) for t in tables]


# --- the baseline: what one writes without pandas -----------------------------------------
def _fixed(value: float, decimals: int) -> str:
    return f"{Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP):f}"


def _number(cell: str, row: int, column: str) -> float:
    try:
        return float(cell.replace(",", "").strip())
    except ValueError:
        raise SystemExit(f"row {row}, {column}: '{cell}' is not a number") from None


def _change(cur: float, prev: float) -> str:
    rate = Decimal(repr((cur - prev) / abs(prev) * 100)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return "持平" if rate == 0 else ("增长" if rate > 0 else "下降") + f"{abs(rate):f}%"


def baseline(plan: Path):
    data = plan.parent / "cases.csv"
    if data.exists():
        with open(data, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
    else:
        import openpyxl

        book = openpyxl.load_workbook(plan.parent / "cases.xlsx", read_only=True, data_only=True)
        rows = [["" if c is None else str(c) for c in r]
                for r in book.worksheets[0].iter_rows(values_only=True)]
    header = rows[0]
    y, m, v, c, r_i, d_i = (header.index(h) for h in HEADER)
    received = {2024: 0.0, 2025: 0.0}
    closed = {2024: 0.0, 2025: 0.0}
    social = 0.0
    per_village: dict[str, list[float]] = {}
    pivot: dict[str, dict[str, float]] = {}
    for number, row in enumerate(rows[1:], start=2):
        year = int(row[y])
        got = _number(row[r_i], number, "受理件数")
        done = _number(row[d_i], number, "办结件数")
        received[year] += got
        closed[year] += done
        month = pivot.setdefault(row[m], {})
        month[str(year)] = month.get(str(year), 0.0) + got
        if year == 2025:
            if row[c] == "社会保障":
                social += got
            acc = per_village.setdefault(row[v], [0.0, 0.0])
            acc[0] += got
            acc[1] += done
    text = (f"全年受理{_fixed(received[2025], 0)}件，同比{_change(received[2025], received[2024])}，"
            f"办结率{_fixed(closed[2025] / received[2025] * 100, 1)}%；社会保障类"
            f"{_fixed(social, 0)}件，占{_fixed(social / received[2025] * 100, 1)}%；办结同比"
            f"{_change(closed[2025], closed[2024])}。")
    total_done = sum(a[1] for a in per_village.values())
    village_rows = [[k, _fixed(a[0], 0), _fixed(a[1], 0), _fixed(a[1] / total_done * 100, 1)]
                    for k, a in per_village.items()]
    village_total = ["合计", _fixed(sum(a[0] for a in per_village.values()), 0),
                     _fixed(total_done, 0), "100.0"]
    years = list(dict.fromkeys(str(int(r[y])) for r in rows[1:]))
    month_rows = [[k] + [_fixed(d.get(yy, 0), 0) for yy in years] for k, d in pivot.items()]
    month_total = ["合计"] + [_fixed(sum(d.get(yy, 0) for d in pivot.values()), 0) for yy in years]
    return text, [(village_rows, village_total), (month_rows, month_total)]


def best(fn, plan: Path, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn(plan)
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--xlsx", action="store_true", help="read an .xlsx instead of a CSV")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        plan = write_data(folder, make_rows(args.rows), args.xlsx)
        ours(plan)  # warm-up: imports, jinja compilation
        t_ours, got = best(ours, plan, args.repeat)
        t_base, expected = best(baseline, plan, args.repeat)
        assert got == expected, f"results differ:\n{got}\n{expected}"
        sources._read.cache_clear()
        start = time.perf_counter()
        build_plan(plan, folder / "out", ("docx",))
        t_build = time.perf_counter() - start
    kind = "xlsx" if args.xlsx else "csv"
    print(f"{args.rows} rows ({kind}), 2 tables + 6 figures, best of {args.repeat}; "
          "identical results")
    print(f"  pandas (pipeline.data)   {t_ours * 1000:8.0f} ms")
    print(f"  plain-Python loops       {t_base * 1000:8.0f} ms")
    print(f"  ratio loops / pandas     {t_base / t_ours:8.2f}x")
    print(f"  whole build to .docx     {t_build * 1000:8.0f} ms (data stage included)")


if __name__ == "__main__":
    main()
