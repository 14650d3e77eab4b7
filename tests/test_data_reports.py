"""Reports from data: numbers, tables and charts computed from the office's spreadsheets.

Every expected value below was worked out by hand from inputs/data/ (the sums are written
out in the comments), never taken from the code under test.
"""
from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree

from conftest import INPUTS, W
from measure import text_lines
from pipeline import standard as gb
from pipeline.cli import main
from pipeline.data import numbers as fmt
from pipeline.readers.plan import read_plan, to_document
from pipeline.model import Figure, Table
from plans import build as _build
from plans import write as _plan

DATA = INPUTS / "data"
CORE_TWIPS = round(gb.mm_to_pt(gb.CORE_WIDTH_MM) * 20)
LINE_TWIPS = round(gb.LINE_PITCH_PT * 20)
EMU_PER_MM = 36000

HEAD = """\
organ: 青山镇人民政府
number: 青政〔2026〕5号
title: 关于2025年度村级集体经济情况的报告
data:
  villages: {file: data/villages.xlsx, sheet: 2025年}
  services: {file: data/services.csv}
"""


def _report(tmp_path: Path, sections: str, body: str) -> Path:
    """A plan beside a copy of inputs/data, so a test may spoil the data without harm."""
    if not (tmp_path / "data").exists():
        shutil.copytree(DATA, tmp_path / "data")
    return _plan(tmp_path, HEAD + sections + "body: |\n" + "".join(
        f"  {line}\n" for line in body.splitlines()))


def _blocks(plan: Path):
    parsed, src = read_plan(plan)
    return to_document(parsed, src).blocks


# --- numbers the Chinese way -------------------------------------------------------------
@pytest.mark.parametrize("value,decimals,expect", [
    (0.125, 2, "0.13"),  # half up, as by hand; round() gives 0.12
    (2.675, 2, "2.68"),  # the float is 2.67499…; Excel shows 2.675 and a clerk rounds up
    (12.25, 1, "12.3"),
    (-0.04, 1, "0.0"),  # never "-0.0"
    (1260, 0, "1260"),  # no thousands separator in 公文
])
def test_rounding_is_half_up(value, decimals, expect):
    assert fmt.fixed(value, decimals) == expect


@pytest.mark.parametrize("value,decimals,unit,expect", [
    (1260, 0, "人", "1260人"),
    (320, 0, "万元", "320万元"),
    (12000, 0, "万元", "1.2亿元"),  # 12000万元 = 1.2亿元
    (15600, 2, "万元", "1.56亿元"),
    (125_000_000, 1, "元", "1.3亿元"),  # 1.25亿 rounded half up
    (38_500, 0, "元", "3.9万元"),
    (9999, 0, "万元", "9999万元"),  # below 1亿元 stays in 万元
])
def test_quantities_with_units(value, decimals, unit, expect):
    assert fmt.number(value, decimals, unit) == expect


@pytest.mark.parametrize("current,previous,expect", [
    (112.3, 100, "增长12.3%"),
    (95.9, 100, "下降4.1%"),
    (100.04, 100, "持平"),  # +0.04% rounds to 0.0%
    (24, 21, "增长14.3%"),  # 3/21 = 14.2857…%
    (-50, -100, "增长50.0%"),  # a loss halved is a rise, measured on the size of the base
])
def test_year_on_year_change_in_words(current, previous, expect):
    assert fmt.change(current, previous) == expect


# --- figures from inputs/data --------------------------------------------------------------
FIGURES = """\
figures:
  income: {from: villages, value: 集体经济收入, unit: 万元}
  change: {from: villages, value: 集体经济收入, compare: 上年集体经济收入, as: change}
  share: {from: villages, value: 集体经济收入, where: {村: 清泉社区}, as: share}
  east: {from: villages, value: 人口, where: {片区: 东片}, unit: 人}
  two: {from: villages, value: 户数, where: {村: [青山村, 白沙村]}, unit: 户}
  villages: {from: villages, agg: count, unit: 个}
  mean: {from: villages, value: 集体经济收入, agg: mean, unit: 万元, decimals: 2}
  cases: {from: services, value: 受理件数, where: {年份: 2025}, unit: 件}
  cases_change: {from: services, value: 受理件数, where: {年份: 2025}, compare: {年份: 2024}, as: change}
  done: {from: services, value: 办结件数, where: {年份: 2025}, of: 受理件数, as: share}
  members: {from: villages, value: 新发展党员, unit: 名}
  members_change: {from: villages, value: 新发展党员, compare: 上年新发展党员, as: change}
"""


def test_figures_match_hand_computed_values(tmp_path):
    names = re.findall(r"^  (\w+):", FIGURES, re.M)
    body = "|".join(f"{{{{ figures.{n} }}}}" for n in names)
    (para,) = _blocks(_report(tmp_path, FIGURES, body))
    got = dict(zip(names, para.text.split("|")))
    assert got == {
        # 68.5+45.2+38.6+52.3+41.7+29.4+47.8+73.6+26.9+96.0 = 520.0
        "income": "520万元",
        # last year 60.2+41.0+39.8+44.5+36.9+30.1+40.3+62.8+25.7+85.4 = 466.7;
        # 53.3 / 466.7 = 11.42%
        "change": "增长11.4%",
        "share": "18.5%",  # 96.0 / 520.0 = 18.46%
        "east": "3601人",  # 1386 + 1190 + 1025
        "two": "653户",  # 412 + 241
        "villages": "10个",  # the 合计 and note rows under the data are not villages
        "mean": "52.00万元",  # 520.0 / 10
        # 186+142+215+238+226+251+234+219+247+198+263+281 = 2700
        "cases": "2700件",
        # 2024: 160+128+190+205+210+222+214+196+225+180+236+254 = 2420; 280/2420 = 11.57%
        "cases_change": "增长11.6%",
        # 184+140+212+236+223+248+231+217+244+196+259+276 = 2666; 2666/2700 = 98.74%
        "done": "98.7%",
        "members": "24名",  # 3+2+2+3+2+1+3+4+2+2
        "members_change": "增长14.3%",  # last year 2+2+1+3+2+2+2+3+2+2 = 21; 3/21 = 14.29%
    }


# --- tables ------------------------------------------------------------------------------
TABLES = """\
tables:
  income:
    from: villages
    columns: [村, {2024年: 上年集体经济收入}, {2025年: 集体经济收入}, {增幅（%）: {change: [集体经济收入, 上年集体经济收入]}}]
    where: {片区: 东片}
    total: 合计
    unit: 万元
    decimals: 1
    caption: 表1 东片各村集体经济收入
  areas:
    from: villages
    group_by: 片区
    columns: [片区, 户数, {人口数: 人口}, {人口占比（%）: {share: 人口}}]
    sort: -户数
    total: 合计
  months:
    from: services
    pivot: {index: 月份, columns: 年份, values: 受理件数}
    where: {月份: [1月, 2月, 3月]}
    total: 合计
"""


def test_tables_match_hand_computed_values(tmp_path):
    income, areas, months = _blocks(_report(
        tmp_path, TABLES, "{{ tables.income }}\n{{ tables.areas }}\n{{ tables.months }}"))
    assert income.header == ["村", "2024年", "2025年", "增幅（%）"]
    assert income.rows == [
        ["青山村", "60.2", "68.5", "13.8"],  # 8.3 / 60.2 = 13.79%
        ["绿水村", "41.0", "45.2", "10.2"],  # 4.2 / 41.0 = 10.24%
        ["石门村", "39.8", "38.6", "-3.0"],  # -1.2 / 39.8 = -3.02%
    ]
    # 合计: 141.0 → 152.3; the change of the totals (11.3 / 141.0 = 8.01%), not their sum
    assert income.total == ["合计", "141.0", "152.3", "8.0"]
    assert income.caption == "表1 东片各村集体经济收入" and income.unit == "万元"
    assert income.align == ["center", "right", "right", "right"]
    # 户数 per 片区: 东 412+356+298 = 1066, 中 275+330+264+318 = 1187, 西 387+241+520 = 1148;
    # 人口: 东 3601, 中 942+1108+896+1067 = 4013, 西 1312+803+1752 = 3867, all 11481
    assert areas.header == ["片区", "户数", "人口数", "人口占比（%）"]
    assert areas.rows == [["中片", "1187", "4013", "35.0"],  # 4013 / 11481 = 34.95%
                          ["西片", "1148", "3867", "33.7"],  # 33.68%
                          ["东片", "1066", "3601", "31.4"]]  # 31.36%
    assert areas.total == ["合计", "3401", "11481", "100.0"]
    assert months.header == ["月份", "2024", "2025"]
    assert months.rows == [["1月", "160", "186"], ["2月", "128", "142"], ["3月", "190", "215"]]
    assert months.total == ["合计", "478", "543"]  # 160+128+190, 186+142+215


def test_header_row_found_under_a_title_and_sheet_by_number(tmp_path):
    """The 2025 sheet has a merged title on row 1, the header on row 2, a 合计 row and a note
    under the data; sheet 2 is that sheet, by number."""
    plan = _report(tmp_path, "figures:\n  n: {from: villages, agg: count}\n"
                   "  h: {from: villages, value: 户数}\n", "{{ figures.n }}/{{ figures.h }}")
    text = plan.read_text("utf-8").replace("sheet: 2025年", "sheet: 2")
    plan.write_text(text, "utf-8")
    (para,) = _blocks(plan)
    # 412+356+298+275+330+264+318+387+241+520 = 3401 (the 合计 row is not counted twice)
    assert para.text == "10/3401"


def test_gbk_csv_with_a_title_row(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "s.csv").write_bytes(
        "便民服务统计\n年份,月份,受理件数\n2025,1月,10\n2025,2月,１２\n合计,,22\n".encode("gbk"))
    plan = _plan(tmp_path, HEAD.replace("data/villages.xlsx, sheet: 2025年", "data/s.csv")
                 + "figures:\n  c: {from: villages, value: 受理件数, unit: 件}\n"
                 "body: |\n  共{{ figures.c }}。\n")
    (para,) = _blocks(plan)
    assert para.text == "共22件。"  # 10 + 12 (full-width digits read as digits)


# --- bad input ---------------------------------------------------------------------------
def _assert_failed_cleanly(code, err, out):
    assert code == 1
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert not out.exists() or not any(out.iterdir()), "no output may be left behind"


def _spoil_cell(tmp_path: Path, cell: str, value) -> None:
    path = tmp_path / "data" / "villages.xlsx"
    book = openpyxl.load_workbook(path)
    book["2025年"][cell] = value
    book.save(path)


@pytest.mark.parametrize("section,spoil,expect", [
    ("figures:\n  x: {from: villages, value: 集体经济收入}\n", ("data/villages.xlsx", "data/village.xlsx"),
     ["plan.yaml:5", "field 'data.villages.file'", "no data file 'data/village.xlsx'",
      "did you mean 'data/villages.xlsx'"]),
    ("figures:\n  x: {from: villages, value: 集体经济收入}\n", ("sheet: 2025年", "sheet: 2025"),
     ["villages.xlsx", "no sheet '2025'", "did you mean '2025年'", "2024年, 2025年, 说明"]),
    ("figures:\n  x: {from: villages, value: 集体经济收人}\n", None,
     ["villages.xlsx", "no column '集体经济收人'", "did you mean '集体经济收入'", "row 2"]),
    ("figures:\n  x: {from: villages, value: 人口, where: {村: 青石村}}\n", None,
     ["figures.x", "青石村", "selection is empty", "青山村"]),
    ("figures:\n  x: {from: villages, value: 人口, comapre: 上年人口, as: change}\n", None,
     ["plan.yaml:8", "unknown field 'comapre'", "did you mean 'compare'"]),
    ("figures:\n  x: {from: vilages, value: 人口}\n", None,
     ["field 'figures.x.from'", "'from: vilages' names no data source", "villages, services"]),
    ("figures:\n  x: {from: villages, value: 户数, compare: {村: 龙潭村}, where: {村: 青山村}, "
     "as: change}\n", None, []),  # a valid comparison: builds (checked below)
])
def test_bad_data_is_named_and_leaves_nothing(tmp_path, capsys, section, spoil, expect):
    plan = _report(tmp_path, section, "数字：{{ figures.x }}。")
    if spoil:
        plan.write_text(plan.read_text("utf-8").replace(*spoil), "utf-8")
    code, err, out = _build(tmp_path, plan, capsys)
    if not expect:
        assert code == 0, err
        return
    _assert_failed_cleanly(code, err, out)
    for part in expect:
        assert part in err, err


@pytest.mark.parametrize("cell,value,expect", [
    ("E7", "待统计", "row 7, column E (集体经济收入): '待统计' is not a number"),
    ("E4", None, "row 4, column E (集体经济收入): the cell is empty"),
])
def test_bad_cell_in_a_summed_column_is_named_by_row_and_column(tmp_path, capsys, cell, value,
                                                                expect):
    plan = _report(tmp_path, TABLES, "{{ tables.income }}")
    _spoil_cell(tmp_path, cell, value)  # E7 is 龙潭村's 收入 (row 7 as Excel shows it)
    plan.write_text(plan.read_text("utf-8").replace("    where: {片区: 东片}\n", ""), "utf-8")
    code, err, out = _build(tmp_path, plan, capsys)
    _assert_failed_cleanly(code, err, out)
    assert "villages.xlsx" in err and expect in err and "tables.income" in err, err


def test_division_by_zero_in_a_change_is_named(tmp_path, capsys):
    plan = _report(tmp_path, "figures:\n  x: {from: villages, value: 集体经济收入, "
                   "where: {村: 青山村}, compare: 上年集体经济收入, as: change}\n",
                   "{{ figures.x }}")
    _spoil_cell(tmp_path, "F3", 0)  # 青山村's 上年集体经济收入
    code, err, out = _build(tmp_path, plan, capsys)
    _assert_failed_cleanly(code, err, out)
    assert "figures.x" in err and "上年集体经济收入" in err and "division by zero" in err


def test_division_by_zero_in_a_table_change_column_names_the_row(tmp_path, capsys):
    plan = _report(tmp_path, TABLES, "{{ tables.income }}")
    _spoil_cell(tmp_path, "F4", 0)  # 绿水村
    code, err, out = _build(tmp_path, plan, capsys)
    _assert_failed_cleanly(code, err, out)
    assert "tables.income" in err and "绿水村" in err and "division by zero" in err


def test_table_reference_inside_a_sentence_is_an_error(tmp_path, capsys):
    plan = _report(tmp_path, TABLES, "第一段。\n见下表{{ tables.income }}。")
    code, err, out = _build(tmp_path, plan, capsys)
    _assert_failed_cleanly(code, err, out)
    # HEAD is lines 1-6, TABLES 7-26, "body: |" 27, 第一段 28, the sentence 29
    assert "plan.yaml:29" in err and "{{ tables.income }} must stand on a line of its own" in err


def test_unknown_figure_is_named(tmp_path, capsys):
    plan = _report(tmp_path, FIGURES, "{{ figures.incom }}")
    code, err, out = _build(tmp_path, plan, capsys)
    _assert_failed_cleanly(code, err, out)
    assert "unknown placeholder 'figures.incom'" in err and "income, change" in err


# --- the example report: .docx XML ---------------------------------------------------------
def _tables(docx):
    return docx["word/document.xml"].findall(f".//{W}body/{W}tbl")


def _cell_texts(row):
    return ["".join(t.text or "" for t in tc.iter(f"{W}t")) for tc in row.findall(f"{W}tc")]


def test_docx_table_cells_total_alignment_and_header(docxs):
    doc = docxs["annual-report"]
    income = next(t for t in _tables(doc) if _cell_texts(t.find(f"{W}tr"))[0] == "村")
    rows = income.findall(f"{W}tr")
    assert _cell_texts(rows[0]) == ["村", "2024年", "2025年", "增幅（%）"]
    assert _cell_texts(rows[1]) == ["青山村", "60.2", "68.5", "13.8"]
    assert _cell_texts(rows[-1]) == ["合计", "466.7", "520.0", "11.4"]
    assert len(rows) == 12  # header, 10 villages, 合计
    # the header repeats on every page; no row breaks across pages
    assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
    assert all(r.find(f"{W}trPr/{W}tblHeader") is None for r in rows[1:])
    assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows)
    # header in 黑体, numbers right, village names centred
    for run in rows[0].iter(f"{W}r"):
        assert run.find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") == "黑体"
    jc = [tc.find(f"{W}p/{W}pPr/{W}jc").get(f"{W}val") for tc in rows[1].findall(f"{W}tc")]
    assert jc == ["center", "right", "right", "right"]
    # each row exactly one body line (29.7 pt): the table takes whole lines in any renderer
    for r in rows:
        height = r.find(f"{W}trPr/{W}trHeight")
        assert height.get(f"{W}hRule") == "exact" and int(height.get(f"{W}val")) == LINE_TWIPS
    # the columns fill the core, grid and table width agreeing (WPS reads the grid)
    grid = [int(c.get(f"{W}w")) for c in income.findall(f"{W}tblGrid/{W}gridCol")]
    assert abs(sum(grid) - CORE_TWIPS) <= len(grid)
    assert abs(int(income.find(f"{W}tblPr/{W}tblW").get(f"{W}w")) - sum(grid)) <= len(grid)


def _para_before(element):
    prev = element.getprevious()
    return "".join(t.text or "" for t in prev.iter(f"{W}t")), prev


def test_docx_caption_and_unit_line_above_the_table(docxs):
    doc = docxs["annual-report"]
    income = next(t for t in _tables(doc) if _cell_texts(t.find(f"{W}tr"))[0] == "村")
    unit, unit_p = _para_before(income)
    caption, caption_p = _para_before(unit_p)
    assert unit == "单位：万元"
    assert unit_p.find(f"{W}pPr/{W}jc").get(f"{W}val") == "right"
    assert caption == "表1 2025年各村（社区）集体经济收入情况"
    assert caption_p.find(f"{W}pPr/{W}jc").get(f"{W}val") == "center"
    assert caption_p.find(f".//{W}rFonts").get(f"{W}eastAsia") == "黑体"
    assert caption_p.find(f"{W}pPr/{W}keepNext") is not None  # never alone at a page foot


def test_docx_chart_is_a_core_wide_png_whole_lines_high_with_caption(docxs, built):
    doc = docxs["annual-report"]
    body = doc["word/document.xml"]
    drawings = [p for p in body.iter(f"{W}p") if p.find(f".//{W}drawing") is not None
                and "chart" in etree.tostring(p).decode()]
    assert len(drawings) == 2
    for p in drawings:
        extent = p.find(".//{http://schemas.openxmlformats.org/drawingml/2006/"
                        "wordprocessingDrawing}extent")
        assert int(extent.get("cx")) / EMU_PER_MM == pytest.approx(gb.CORE_WIDTH_MM, abs=0.05)
        spacing = p.find(f"{W}pPr/{W}spacing")
        lines = int(spacing.get(f"{W}line")) / LINE_TWIPS
        assert spacing.get(f"{W}lineRule") == "exact" and lines == pytest.approx(9, abs=0.01)
        assert int(extent.get("cy")) / EMU_PER_MM == pytest.approx(
            gb.pt_to_mm(9 * gb.LINE_PITCH_PT), abs=0.05)
        caption = "".join(t.text or "" for t in p.getnext().iter(f"{W}t"))
        assert caption.startswith("图")
    with zipfile.ZipFile(built["annual-report"]) as z:
        pngs = [n for n in z.namelist() if n.startswith("word/media/") and n.endswith(".png")]
        from PIL import Image
        import io
        widths = [Image.open(io.BytesIO(z.read(n))).size[0] for n in pngs]
    # 156 mm at 300 dpi = 1843 px: sharp in print
    assert sum(1 for w in widths if w >= 1800) == 2


# --- the example report: PDF text and both renderings ---------------------------------------
def _text(pdf) -> str:
    """The document's text without page numbers, so a sentence running over a page reads on."""
    return "".join(l.text for page in pdf for l in text_lines(page)
                   if not re.fullmatch(r"—\s*\d+\s*—", l.text.strip())).replace(" ", "")


def test_pdf_carries_the_computed_numbers_tables_and_captions(pdfs):
    text = _text(pdfs["annual-report"])
    for part in ("全镇村级集体经济收入520万元，比上年增长11.4%，其中清泉社区占18.5%",
                 "全年受理群众办事2700件，同比增长11.6%，办结率98.7%".replace("全年", ""),
                 "全年发展党员24名，比上年增长14.3%", "全镇3401户、11481人",
                 "表12025年各村（社区）集体经济收入情况", "单位：万元",
                 "村2024年2025年增幅（%）", "青山村60.268.513.8", "合计466.7520.011.4",
                 "表2各片区户数、人口和党员情况", "合计3401114814132",
                 "图12025年便民服务中心每月受理件数", "图22025年各片区集体经济收入构成"):
        assert part in text, part


def _page_with(pdf, words: str):
    for page in pdf:
        if words in "".join(l.text for l in text_lines(page)).replace(" ", ""):
            return page
    raise AssertionError(f"no page has {words}")


@pytest.mark.parametrize("renderer", ["libreoffice", "weasyprint"])
def test_chart_is_drawn_above_its_caption(request, renderer):
    pdf = request.getfixturevalue({"libreoffice": "libreoffice", "weasyprint": "pdfs"}[
        renderer])["annual-report"]
    page = _page_with(pdf, "图12025年便民服务中心每月受理件数")
    caption = next(l for l in text_lines(page) if l.text.replace(" ", "").startswith("图1"))
    caption_top = caption.y0 / gb.MM_PER_PT  # text lines are measured in mm, drawings in pt
    if renderer == "libreoffice":  # the .docx carries a PNG
        chart = max((page.get_image_bbox(img) for img in page.get_images(full=True)),
                    key=lambda b: b.height)
        top, bottom = chart.y0, chart.y1
    else:  # the PDF carries the SVG as vector paths: no picture at all
        assert page.get_images() == []
        paths = [d["rect"] for d in page.get_drawings() if d["rect"].y1 <= caption_top]
        assert len(paths) > 30  # bars, ticks and glyph outlines
        top, bottom = min(r.y0 for r in paths), max(r.y1 for r in paths)
    height_mm = (bottom - top) * gb.MM_PER_PT
    assert height_mm <= gb.pt_to_mm(9 * gb.LINE_PITCH_PT) + 0.5  # nine lines: 94.3 mm
    assert height_mm > 80, "the chart fills its nine lines"
    assert bottom <= caption_top + 1, "the caption stands below the chart"


# --- charts -----------------------------------------------------------------------------
def test_chart_font_falls_back_for_a_rare_character_without_tofu(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "v.csv").write_text("村,人数\n张䶮村,3\n青山村,5\n", "utf-8")
    plan = _plan(tmp_path, HEAD.replace("data/villages.xlsx, sheet: 2025年", "data/v.csv")
                 + "charts:\n  c: {from: villages, x: 村, y: 人数}\nbody: |\n  {{ charts.c }}\n")
    (figure,) = _blocks(plan)
    assert isinstance(figure, Figure) and figure.lines == 10
    svg = figure.svg.decode()
    fonts = set(re.findall(r'<path id="([A-Za-z]+(?:CJK[a-z]+)?-Regular)-[0-9a-f]+"', svg))
    assert len(fonts) == 2, "䶮 (not in FandolHei) drawn by a second font"
    assert not re.search(r'<path id="[^"]+-0"', svg), "no .notdef glyph: no empty box"
    assert figure.png[:8] == b"\x89PNG\r\n\x1a\n"


# --- batch: each village's circular draws its figures from the same workbook -------------------
def test_batch_rows_draw_their_figures_from_the_data(tmp_path, capsys):
    """inputs/batch/village-economy.yaml, the demo, on a copy of inputs/data."""
    shutil.copytree(DATA, tmp_path / "data")
    (tmp_path / "batch").mkdir()
    plan = tmp_path / "batch" / "notice.yaml"
    shutil.copy(INPUTS / "batch" / "village-economy.yaml", plan)
    out = tmp_path / "out"
    args = ["batch", str(plan), "--rows", str(tmp_path / "data" / "villages.xlsx"), "--sheet",
            "2025年", "-o", str(out), "--format", "docx", "--db",
            f"sqlite:///{tmp_path / 'r.db'}"]
    assert main(args) == 0, capsys.readouterr().err

    def text(village):
        xml = zipfile.ZipFile(out / f"notice-{village}.docx").read("word/document.xml").decode()
        return re.sub(r"<[^>]+>", "", xml)
    # the town: 520.0万元 after 466.7 (53.3/466.7 = 11.42%); 青山村: 68.5 after 60.2
    # (8.3/60.2 = 13.79%), 68.5/520.0 = 13.17%
    assert "全镇村级集体经济收入520万元，比上年增长11.4%" in text("青山村")
    assert "你村2025年集体经济收入68.5万元，比上年增长13.8%，占全镇的13.2%" in text("青山村")
    # 石门村: 38.6 after 39.8 → -1.2/39.8 = -3.02%; 38.6/520.0 = 7.42%
    assert "你村2025年集体经济收入38.6万元，比上年下降3.0%，占全镇的7.4%" in text("石门村")
    assert "10 built" in capsys.readouterr().out
    # the clerk corrects one figure: every circular's share changes, so all are rebuilt
    _spoil_cell(tmp_path, "E5", 40.0)  # 石门村 38.6 → 40.0
    assert main(args) == 0
    assert "10 built" in capsys.readouterr().out
    assert "你村2025年集体经济收入40.0万元，比上年增长0.5%" in text("石门村")  # 0.2/39.8 = 0.50%


# --- table layout ---------------------------------------------------------------------------
def test_cell_lines_follow_chinese_line_breaking_rules():
    """A column three characters wide: 投资万元 takes 2 lines, but 投资（万元） takes 3 —
    （ may not end a line and ） may not start one, so the lines are 投资 / （万 / 元）."""
    from pipeline.writers.datablocks import CELL_PAD, CH, _WRAP_SLACK_CHARS, cell_lines
    from pipeline.text.width import text_chars

    width = (3 + _WRAP_SLACK_CHARS) * CH + 2 * CELL_PAD + 0.5
    assert cell_lines("投资万元", width, text_chars) == 2
    assert cell_lines("投资（万元）", width, text_chars) == 3
    # Word and LibreOffice space Chinese from digits by a quarter em: 路4米宽5米长 is 6
    # characters wide (digits are half), but its four Chinese/digit boundaries add one more
    six = (6 + _WRAP_SLACK_CHARS) * CH + 2 * CELL_PAD + 0.5
    assert cell_lines("路4米宽5米长", six, text_chars) == 2
    assert cell_lines("路面由四米宽", six, text_chars) == 1


def test_wide_table_fills_the_core_and_numbers_never_wrap():
    from pipeline.writers.datablocks import CORE_W, table_layout
    from pipeline.text.width import text_chars

    long = "完成青山村至石门村道路拓宽改造，路面由4.5米拓宽至6.5米，新建错车道12处"
    table = Table(header=["序号", "项目名称", "建设内容和主要目标", "投资（万元）", "责任单位"],
                  rows=[["1", "农村公路提升改造工程", long, "860", "镇交通运输办公室"]],
                  align=["center", "center", "center", "right", "center"])
    lay = table_layout(table, text_chars)
    assert sum(lay.widths) == pytest.approx(CORE_W)
    # 13 + 10 + 18 + 3 + 10 characters do not fit 28 a line: the texts wrap, 860 keeps one
    assert lay.lines[1] >= 3
    assert lay.widths[3] >= 1.5 * gb.EFFECTIVE_CHAR_PT  # "860" on one line
    with pytest.raises(Exception, match="needs .* mm .* core is 156 mm"):
        table_layout(Table(header=[f"第{i}列" for i in range(12)],
                           rows=[["1234567.8"] * 12], align=["right"] * 12), text_chars)
