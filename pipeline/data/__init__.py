"""Reports from data: the plan's `data:`, `tables:`, `figures:` and `charts:` sections.

`report_context` reads the spreadsheets the plan names (sources.py), computes every table and
figure (compute.py) and draws every chart (charts.py); the body then uses them as
placeholders: {{ figures.x }} becomes text inside a sentence, {{ tables.x }} and
{{ charts.x }} on a line of their own become a table or a chart (`place_blocks`).
"""
from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from pydantic import ValidationError

from pipeline import model
from pipeline import standard as gb
from pipeline.data.schema import SECTIONS, ReportPlan
from pipeline.errors import PlanError
from pipeline.readers.validation import plan_error

_MARK = re.compile("\ue000(tables|charts)\\.([^\ue001]+)\ue001")


class _Names:
    """figures / tables / charts as the placeholders see them: an unknown name is an error
    naming what the plan defines (jinja2 would otherwise render an empty string)."""

    def __init__(self, kind: str, values: dict[str, str]):
        self._kind, self._values = kind, values

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):
            raise AttributeError(name)
        return self[name]

    def __getitem__(self, name: str) -> str:
        if name not in self._values:
            known = ", ".join(self._values) or "none"
            raise ValueError(f"unknown placeholder '{self._kind}.{name}' ({self._kind} "
                             f"defines: {known})")
        return self._values[name]


@dataclass
class Report:
    context: dict[str, _Names]  # figures, tables, charts for the placeholders
    blocks: dict[str, model.Block] = field(default_factory=dict)  # "tables.x" → its block
    notes: list[str] = field(default_factory=list)


def _schema_error(exc: ValidationError, src) -> PlanError:
    err = exc.errors()[0]
    loc = err["loc"]
    if err["type"] == "extra_forbidden" and len(loc) == 3 and loc[0] in SECTIONS:
        from pipeline.data import schema

        models = {"data": schema.SourcePlan, "tables": schema.TablePlan,
                  "figures": schema.FigurePlan, "charts": schema.ChartPlan}
        fields = [f.alias or n for n, f in models[loc[0]].model_fields.items()]
        close = difflib.get_close_matches(str(loc[2]), fields, n=1, cutoff=0.4)
        return PlanError(f"unknown field '{loc[2]}'" + (f" (did you mean '{close[0]}'?)"
                                                         if close else ""),
                         file=src.file, line=src.line_of(loc), field=".".join(map(str, loc)))
    return plan_error(exc, src, ReportPlan)


def _expected(spec: ReportPlan, source: str) -> set[str]:
    """Every column name the plan uses from a source: the header row is the row naming most."""
    names: set[str] = set()
    for section in (spec.tables, spec.figures, spec.charts):
        for item in section.values():
            if item.from_ != source:
                continue
            names.update(item.where)
            for key in ("value", "x", "group_by", "compare"):
                value = getattr(item, key, None)
                if isinstance(value, str):
                    names.add(value)
                elif isinstance(value, list):
                    names.update(v for v in value if isinstance(v, str))
                elif isinstance(value, dict):
                    names.update(value)
            for value in getattr(item, "y", None) or []:
                names.add(value)
            for col in getattr(item, "columns", None) or []:
                if isinstance(col, str):
                    names.add(col)
                else:
                    names.update(v for v in col.values() if isinstance(v, str))
            if getattr(item, "pivot", None):
                names.update((item.pivot.index, item.pivot.columns, item.pivot.values))
    return names


def report_context(src, context: dict, fail: Callable[[tuple, str], None],
                   fonts=None) -> Report | None:
    """Read, compute and draw what the plan's data sections ask for; None without them."""
    raw = {k: src.data[k] for k in SECTIONS if k in src.data}
    if not raw:
        return None
    from pipeline.data.charts import render_chart
    from pipeline.data.compute import build_table, figure_text
    from pipeline.data.sources import missing_file, read_sheet
    from pipeline.transforms.placeholders import fill_tree

    filled = {k: fill_tree(v, context, fail, (k,)) for k, v in raw.items()}
    try:
        spec = ReportPlan.model_validate(filled)
    except ValidationError as exc:
        raise _schema_error(exc, src) from None
    sheets = {}

    def sheet(section: str, name: str, source: str):
        if source not in spec.data:
            fail((section, name, "from"), f"'from: {source}' names no data source (data "
                                          f"defines: {', '.join(spec.data) or 'none'})")
        if source not in sheets:
            s = spec.data[source]
            path = src.file.parent / s.file
            if not path.is_file():
                fail(("data", source, "file"), missing_file(path, s.file))
            sheets[source] = read_sheet(path, s.sheet, s.header_row, _expected(spec, source))
        return sheets[source]

    report = Report({})
    report.context["figures"] = _Names("figures", {
        name: figure_text(name, f, sheet("figures", name, f.from_))
        for name, f in spec.figures.items()})
    for kind in ("tables", "charts"):
        report.context[kind] = _Names(kind, {n: f"\ue000{kind}.{n}\ue001"
                                             for n in getattr(spec, kind)})
    for name, t in spec.tables.items():
        report.blocks[f"tables.{name}"] = build_table(name, t, sheet("tables", name, t.from_))
    if spec.charts:
        from pipeline.fonts.book import FontBook, parse_overrides

        fonts = fonts or FontBook(parse_overrides())
        core_w = gb.mm_to_pt(gb.CORE_WIDTH_MM)
        for name, c in spec.charts.items():
            report.blocks[f"charts.{name}"] = render_chart(
                name, c, sheet("charts", name, c.from_), fonts, core_w, gb.LINE_PITCH_PT)
    for s in sheets.values():
        report.notes.extend(s.skipped)
    return report


def place_blocks(blocks: list[model.Block], report: Report | None, src,
                 path: tuple = ("body",)) -> list[model.Block]:
    """The body's blocks with each {{ tables.x }} / {{ charts.x }} line replaced by its
    block; such a placeholder inside a sentence is an error naming its line."""
    out: list[model.Block] = []
    for block in blocks:
        text = getattr(block, "text", "")
        found = _MARK.search(text) if isinstance(block, (model.Paragraph, model.Heading)) else None
        if not found:
            out.append(block)
            continue
        key = f"{found.group(1)}.{found.group(2)}"
        if isinstance(block, model.Paragraph) and found.group(0) == text.strip():
            out.append(report.blocks[key])
            continue
        from pipeline.readers.yamlsource import dotted

        raise PlanError(f"{{{{ {key} }}}} must stand on a line of its own (it becomes a "
                        f"{'table' if key.startswith('tables') else 'chart'}, not text)",
                        file=src.file, line=_line_of(src, path, found.group(2)), field=dotted(path))
    return out


def _line_of(src, path: tuple, name: str) -> int | None:
    start = src.line_of(path)
    value = src.data
    for part in path:
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            return start
    if start and isinstance(value, str):
        for i, line in enumerate(value.splitlines(), start=1):
            if name in line and "{{" in line:
                return start + i
    return start


def data_fingerprint(plan: Path) -> str:
    """A digest of the data files a plan reads, so a batch rebuilds when a spreadsheet
    changes even though the plan and the row did not."""
    from pipeline.readers.yamlsource import load_located

    digest = hashlib.sha256()
    sources = load_located(plan).data.get("data")
    if isinstance(sources, dict):
        for name in sorted(sources):
            entry = sources[name]
            file = entry.get("file") if isinstance(entry, dict) else None
            path = Path(plan).parent / str(file)
            if file and path.is_file():
                digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]
