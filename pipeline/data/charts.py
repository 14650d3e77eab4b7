"""Charts for a report: matplotlib draws them in the fonts the document prints with.

The chart's font comes from the same resolver as the PDF's (pipeline.fonts.book.FontBook), so a
machine with the standard's 黑体 uses it and one without uses the free substitute; a character
the font lacks is drawn by an installed font that has it, and one no font has stops the build
(matplotlib would print an empty box, 'tofu'). The chart is drawn once at the core's width and
a height of whole body lines, then saved twice: SVG with the glyphs as outlines (vector, for
the PDF; no font needed to show it) and PNG at 300 dpi (for the .docx, which every Word reads).
"""
from __future__ import annotations

import io
from functools import lru_cache

import pandas as pd

from pipeline import model
from pipeline import standard as gb
from pipeline.data import numbers as fmt
from pipeline.data.compute import select, text_of
from pipeline.data.schema import ChartPlan
from pipeline.data.sources import Sheet
from pipeline.errors import DataError
from pipeline.fonts.book import Face, FontBook, FontError, covers

PNG_DPI = 300  # print quality for the .docx picture: 156 mm → 1843 px
TEXT_PT = 10.5  # 五号, what printed statistics charts use for labels
GREYS = ("#404040", "#9a9a9a", "#6b6b6b", "#c8c8c8", "#202020", "#b0b0b0")  # print in black


@lru_cache(maxsize=None)
def _family(face: Face) -> str:
    """The name matplotlib knows the face by (it reads every face of a .ttc collection)."""
    from matplotlib import font_manager

    font_manager.fontManager.addfont(face.path)
    names = {entry.name for entry in font_manager.fontManager.ttflist
             if entry.fname == face.path}
    return face.family if face.family in names else \
        font_manager.FontProperties(fname=face.path).get_name()


def _families(texts: list[str], fonts: FontBook, where: str) -> list[str]:
    """matplotlib font families for the texts: the chart role's font first, then one for each
    character it lacks (matplotlib falls back glyph by glyph along the list)."""
    chosen = [fonts.face(gb.ROLE_CHART)]
    for ch in sorted(set("".join(texts))):
        if ch.isspace() or any(covers(f, ch) for f in chosen):
            continue
        other = fonts.fallback(gb.ROLE_CHART, ch)
        if other is None:
            raise FontError(f"{where}: no installed font has '{ch}' (U+{ord(ch):04X}) for the "
                            "chart; install a font that covers it or replace the character")
        chosen.append(other)
    return list(dict.fromkeys(_family(f) for f in chosen))


def chart_data(name: str, spec: ChartPlan, sheet: Sheet) -> pd.DataFrame:
    """Values per category, summed over the selected rows, categories in sheet order."""
    used_by = f"charts.{name}"
    rows = select(sheet, spec.where, used_by)
    x = sheet.column(spec.x, used_by)
    frame = pd.DataFrame({spec.x: text_of(sheet, x)[rows]})
    for y in spec.y:
        frame[y] = sheet.numbers(sheet.column(y, used_by), used_by)[rows]
    return frame.groupby(spec.x, sort=False).sum()


def render_chart(name: str, spec: ChartPlan, sheet: Sheet, fonts: FontBook,
                 width_pt: float, line_pt: float) -> model.Figure:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    data = chart_data(name, spec, sheet)
    if spec.kind == "pie" and ((data[spec.y[0]] < 0).any() or data[spec.y[0]].sum() == 0):
        raise DataError(f"charts.{name}: a pie shows parts of a whole; {spec.y[0]} has "
                        "negative values or adds up to 0", file=sheet.path)
    labels = [str(i) for i in data.index]
    texts = labels + list(spec.y) + [spec.unit or ""] + [fmt.fixed(v, 1) for v in
                                                           data.to_numpy().ravel()]
    families = _families(texts, fonts, f"charts.{name}")
    height_pt = spec.lines * line_pt
    style = {"font.family": families, "font.size": TEXT_PT, "svg.fonttype": "path",
             "svg.hashsalt": "gongwen", "axes.unicode_minus": False,
             "axes.spines.top": False, "axes.spines.right": False}
    with plt.rc_context(style):
        fig, ax = plt.subplots(figsize=(width_pt / 72, height_pt / 72))
        try:
            _draw(ax, spec, data, labels)
            # the chart's ink keeps inside its lines as a line's characters do: the half of the
            # leading above and below the glyphs stays white (so a chart opening a page
            # starts, like text, on the core's top edge and not in the margin)
            inset = (line_pt - gb.BODY_INK_HEIGHT_EM * gb.BODY_SIZE_PT) / 2 / height_pt
            fig.tight_layout(pad=0.2, rect=(0, inset, 1, 1 - inset))
            svg, png = io.BytesIO(), io.BytesIO()
            fig.savefig(svg, format="svg", metadata={"Date": None})
            fig.savefig(png, format="png", dpi=PNG_DPI, metadata={"Software": None})
        finally:
            plt.close(fig)
    return model.Figure(png=png.getvalue(), svg=svg.getvalue(), lines=spec.lines,
                        caption=spec.caption or "", alt=spec.caption or name)


def _decimals(values) -> int:
    return 0 if all(float(v).is_integer() for v in values) else 1


def _draw(ax, spec: ChartPlan, data: pd.DataFrame, labels: list[str]) -> None:
    if spec.kind == "pie":
        values = data[spec.y[0]]
        ax.pie(values, labels=labels, colors=GREYS, startangle=90, counterclock=False,
               autopct=lambda p: fmt.percent(p, 1), pctdistance=0.75,
               wedgeprops={"edgecolor": "white", "linewidth": 1},
               textprops={"fontsize": TEXT_PT})
        for text in ax.texts[1::2]:  # the percentages inside dark wedges read in white
            text.set_color("white")
        ax.axis("equal")
        return
    positions = range(len(labels))
    n = len(spec.y)
    width = 0.8 / n
    for k, y in enumerate(spec.y):
        values = data[y].to_numpy()
        decimals = _decimals(values)
        if spec.kind == "bar":
            offsets = [p - 0.4 + width * (k + 0.5) for p in positions]
            bars = ax.bar(offsets, values, width * 0.9, color=GREYS[k % len(GREYS)], label=y)
            ax.bar_label(bars, labels=[fmt.fixed(v, decimals) for v in values], padding=2,
                         fontsize=TEXT_PT - 1.5)
        else:
            ax.plot(list(positions), values, marker="o", color=GREYS[(2 * k) % len(GREYS)],
                    linewidth=1.5, markersize=4, label=y)
            for p, v in zip(positions, values):
                ax.annotate(fmt.fixed(v, decimals), (p, v), textcoords="offset points",
                            xytext=(0, 5), ha="center", fontsize=TEXT_PT - 1.5)
    ax.set_xticks(list(positions), labels)
    ax.margins(y=0.15)
    if spec.unit:
        ax.set_ylabel(f"单位：{spec.unit}")
    if n > 1:
        ax.legend(frameon=False)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
