"""GB/T 9704 rules read from the produced .docx XML, one test per rule."""
from __future__ import annotations

import re

import pytest

from conftest import EXAMPLES, NS, W, only_in

pytestmark = pytest.mark.parametrize("name", EXAMPLES)

MM_PER_PT = 25.4 / 72
# GB/T 9704 5.2.3: 22 lines fill the 225 mm core, measured from the first line's ink to the
# last line's ink: 21 line pitches plus one line's ink height (a 3号 (16 pt) CJK glyph inks
# 0.886 em, measured on the rendered page, gbt9704.md)
LINE_PITCH_PT = (225 / MM_PER_PT - 0.886 * 16) / 21  # 29.70 pt
CORE_WIDTH_PT = 156 / MM_PER_PT  # 210 − 28 − 26 mm

# ECMA-376 Part 1 (wml.xsd), the child sequences of the property containers the writers build.
# Names on one line inside [] are a choice: any order among themselves.
SCHEMA_ORDER = {
    "pPr": "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr "
           "suppressLineNumbers pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct "
           "topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd snapToGrid spacing ind "
           "contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment "
           "textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange",
    # CT_ParaRPr opens with the revision marks; CT_RPr is the same without them
    "rPr": "ins del moveFrom moveTo rStyle rFonts b bCs i iCs caps smallCaps strike dstrike "
           "outline shadow emboss imprint noProof snapToGrid vanish webHidden color spacing w "
           "kern position sz szCs highlight u effect bdr shd fitText vertAlign rtl cs em lang "
           "eastAsianLayout specVanish oMath rPrChange",
    "sectPr": "[headerReference footerReference] footnotePr endnotePr type pgSz pgMar paperSrc "
              "pgBorders lnNumType pgNumType cols formProt vAlign noEndnote titlePg "
              "textDirection bidi rtlGutter docGrid printerSettings sectPrChange",
    "tblPr": "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW "
             "jc tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption "
             "tblDescription tblPrChange",
    "tcPr": "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection "
            "tcFitText vAlign hideMark headers cellIns cellDel cellMerge tcPrChange",
    # CT_TrPrBase is one unbounded choice: its children may come in any order
    "trPr": "[cnfStyle divId gridBefore gridAfter wBefore wAfter cantSplit trHeight tblHeader "
            "tblCellSpacing jc hidden] ins del trPrChange",
    "pBdr": "top left bottom right between bar",
    "tblBorders": "top [left start] bottom [right end] insideH insideV",
    "tcBorders": "top [left start] bottom [right end] insideH insideV tl2br tr2bl",
    "style": "name aliases basedOn next link autoRedefine hidden uiPriority semiHidden "
             "unhideWhenUsed qFormat locked personal personalCompose personalReply rsid pPr rPr "
             "tblPr trPr tcPr tblStylePr",
    "lvl": "start numFmt lvlRestart pStyle isLgl suff lvlText lvlPicBulletId legacy lvlJc pPr "
           "rPr",
}


def _ranks(sequence: str) -> dict[str, int]:
    """Element tag → position in the sequence; the members of a [choice] share one."""
    ranks, rank = {}, 0
    for group in re.findall(r"\[[^\]]+\]|\S+", sequence):
        for name in group.strip("[]").split():
            ranks[f"{W}{name}"] = rank
        rank += 1
    return ranks


def _twips_to_mm(v) -> float:
    return int(v) / 20 * MM_PER_PT


def _sections(d):
    return list(d["word/document.xml"].iter(f"{W}sectPr"))


def test_paper_is_a4(docxs, name):
    for sect in _sections(docxs[name]):
        size = sect.find(f"{W}pgSz")
        assert _twips_to_mm(size.get(f"{W}w")) == pytest.approx(210, abs=0.1)
        assert _twips_to_mm(size.get(f"{W}h")) == pytest.approx(297, abs=0.1)


def test_side_margins_28_and_26_mm(docxs, name):
    for sect in _sections(docxs[name]):
        mar = sect.find(f"{W}pgMar")
        assert _twips_to_mm(mar.get(f"{W}left")) == pytest.approx(28, abs=0.05)
        assert _twips_to_mm(mar.get(f"{W}right")) == pytest.approx(26, abs=0.05)
        assert int(mar.get(f"{W}gutter")) == 0


def test_top_and_bottom_margins_compensate_for_the_line_box(docxs, name):
    """The page margin sits above 37 mm by the gap between line top and ink (gbt9704.md)."""
    for sect in _sections(docxs[name]):
        mar = sect.find(f"{W}pgMar")
        top, bottom = _twips_to_mm(mar.get(f"{W}top")), _twips_to_mm(mar.get(f"{W}bottom"))
        assert 31 < top < 37 and 32 < bottom < 35
        # 22 lines of the grid fit between them, and a 23rd does not
        text_h = 297 - top - bottom
        pitch = LINE_PITCH_PT * MM_PER_PT
        assert 22 * pitch <= text_h < 23 * pitch


def test_grid_is_22_lines(docxs, name):
    for sect in _sections(docxs[name]):
        grid = sect.find(f"{W}docGrid")
        assert int(grid.get(f"{W}linePitch")) == round(LINE_PITCH_PT * 20)
    body = docxs[name].style("GwBody").find(f"{W}pPr/{W}spacing")
    assert body.get(f"{W}lineRule") == "exact"
    assert int(body.get(f"{W}line")) == round(LINE_PITCH_PT * 20)


def test_body_characters_condensed_to_28_per_line(docxs, name):
    spacing = docxs[name].style("GwBody").find(f"{W}rPr/{W}spacing")
    advance = 16 + int(spacing.get(f"{W}val")) / 20
    assert int(CORE_WIDTH_PT // advance) == 28


@pytest.mark.parametrize("style_id,font,size_pt", [
    ("GwBody", "仿宋_GB2312", 16), ("GwTitle", "方正小标宋简体", 22),
    ("GwHeading1", "黑体", 16), ("GwHeading2", "楷体_GB2312", 16),
    ("GwHeading3", "仿宋_GB2312", 16), ("GwHeading4", "仿宋_GB2312", 16),
    ("GwClosing", "仿宋_GB2312", 14), ("GwPageNumber", "宋体", 14),
    ("GwAttachmentLabel", "黑体", 16), ("GwOrganMark", "方正小标宋简体", 16),
])
def test_style_font_and_size(docxs, name, style_id, font, size_pt):
    rpr = docxs[name].style(style_id).find(f"{W}rPr")
    fonts = rpr.find(f"{W}rFonts")
    assert fonts.get(f"{W}eastAsia") == font
    assert fonts.get(f"{W}ascii") == font
    assert int(rpr.find(f"{W}sz").get(f"{W}val")) == size_pt * 2


def test_no_theme_fonts(docxs, name):
    for part in ("word/styles.xml", "word/document.xml"):
        xml = docxs[name][part]
        for fonts in xml.iter(f"{W}rFonts"):
            assert not any("Theme" in attr for attr in fonts.attrib), part


def test_font_table_names_both_family_names(docxs, name):
    table = docxs[name]["word/fontTable.xml"]
    alt = {f.get(f"{W}name"): f.find(f"{W}altName").get(f"{W}val") for f in table}
    assert alt["仿宋_GB2312"] == "FangSong_GB2312"
    assert alt["楷体_GB2312"] == "KaiTi_GB2312"


def test_named_styles_for_clerks(docxs, name):
    names = {s.find(f"{W}name").get(f"{W}val")
             for s in docxs[name]["word/styles.xml"].iter(f"{W}style")}
    assert {"公文标题", "公文正文", "一级标题", "二级标题", "三级标题", "四级标题", "版记"} <= names


def test_live_heading_numbering(docxs, name):
    """Headings number themselves in Word: 一、 （一） 1. （1） with Chinese counting."""
    levels = docxs[name]["word/numbering.xml"].find(f"{W}abstractNum").findall(f"{W}lvl")
    got = [(l.find(f"{W}numFmt").get(f"{W}val"), l.find(f"{W}lvlText").get(f"{W}val"))
           for l in levels]
    assert got == [("chineseCounting", "%1、"), ("chineseCounting", "（%2）"),
                   ("decimal", "%3."), ("decimal", "（%4）")]
    for level in range(1, 5):
        num = docxs[name].style(f"GwHeading{level}").find(f"{W}pPr/{W}numPr")
        assert int(num.find(f"{W}ilvl").get(f"{W}val")) == level - 1


def test_attachments_restart_numbering(docxs, models, name):
    nums = docxs[name]["word/numbering.xml"].findall(f"{W}num")
    assert len(nums) == 1 + len(models[name].attachments)
    for num in nums[1:]:
        assert len(num.findall(f"{W}lvlOverride/{W}startOverride")) == 4


def test_organ_mark_is_red(docxs, name):
    (mark,) = docxs[name].style("GwOrganMark").findall(f"{W}rPr/{W}color")
    assert mark.get(f"{W}val") == "FF0000"
    runs = docxs[name]["word/document.xml"].xpath(
        ".//w:p[w:pPr/w:pStyle/@w:val='GwOrganMark']/w:r", namespaces=NS)
    assert runs and all(r.find(f"{W}rPr/{W}color").get(f"{W}val") == "FF0000" for r in runs)


def test_red_line_under_document_number_spans_the_core(docxs, name):
    only_in(name, "文件")
    paras = docxs[name].paragraphs("GwDocNumber")
    bottom = paras[-1].find(f"{W}pPr/{W}pBdr/{W}bottom")
    assert bottom.get(f"{W}color") == "FF0000"
    ind = paras[-1].find(f"{W}pPr/{W}ind")
    assert ind is None or int(ind.get(f"{W}left", 0)) == int(ind.get(f"{W}right", 0)) == 0


def test_document_number_form(docxs, name):
    only_in(name, "文件", "信函")  # a 令 has its 令号, a 纪要 its 期号
    text = "".join(t.text for p in docxs[name].paragraphs("GwDocNumber") for t in p.iter(f"{W}t"))
    assert re.search(r"[^〔〕]+〔20\d\d〕[1-9]\d*号", text)
    assert "第" not in text and "[" not in text


def test_odd_and_even_footers(docxs, name):
    d = docxs[name]
    assert d["word/settings.xml"].find(f"{W}evenAndOddHeaders") is not None
    first = d.footers()[0]
    odd, even = d[first["default"]], d[first["even"]]
    for footer, side in ((odd, "right"), (even, "left")):
        p = footer.find(f"{W}p")
        assert p.find(f"{W}pPr/{W}jc").get(f"{W}val") == side
        text = "".join(t.text for t in footer.iter(f"{W}t"))
        assert text.startswith("— ") and text.endswith(" —")
        assert "PAGE" in "".join(i.text for i in footer.iter(f"{W}instrText"))


# where each example's 版记 stands, counted by hand (see test_rendered.test_page_count)
CLOSING_PLACE = {"annual-opinion": "own page", "annual-report": "own page",
                 "implementation-plan-notice": "shared", "joint-circular": "shared",
                 "commendation-decision": "own page", "inspection-bulletin": "shared",
                 "congress-resolution": "shared",
                 "letter": "shared", "order": "own page", "minutes": "own page",
                 "request": "shared", "reply": "shared"}


def test_closing_block_placed_by_explicit_breaks(docxs, models, name):
    """No `w:type evenPage` (LibreOffice ignores it): a 版记 of its own opens its page with
    a page break; a shared one follows the text in the same, numbered section."""
    if not models[name].closing:
        pytest.skip("no closing block")
    d = docxs[name]
    xml = d["word/document.xml"]
    assert not [t for t in xml.iter(f"{W}type") if t.get(f"{W}val") == "evenPage"]
    table = xml.xpath(".//w:body/w:tbl[last()]", namespaces=NS)[0]
    spacer = table.getprevious()
    opens_page = spacer.find(f"{W}pPr/{W}pageBreakBefore") is not None
    assert opens_page == (CLOSING_PLACE[name] == "own page")
    assert len(_sections(d)) == 1, "no blank page, so no unnumbered section"
    for kind, part in d.footers()[-1].items():
        # a first-page footer (w:titlePg) only in a letter, whose first page is unnumbered
        numbered = "PAGE" in "".join(i.text for i in d[part].iter(f"{W}instrText"))
        assert numbered == (kind != "first")
    borders = d["word/document.xml"].xpath(".//w:tbl[last()]/w:tblPr/w:tblBorders",
                                           namespaces=NS)[0]
    if name == "letter":  # a letter's 版记 has no rules (GB/T 9704 10.1)
        assert all(b.get(f"{W}val") == "nil" for b in borders)
        return
    widths = {side: int(borders.find(f"{W}{side}").get(f"{W}sz")) / 8 * MM_PER_PT
              for side in ("top", "bottom", "insideH")}
    assert widths["top"] == pytest.approx(0.35, abs=0.02)
    assert widths["bottom"] == pytest.approx(0.35, abs=0.02)
    assert widths["insideH"] == pytest.approx(0.25, abs=0.02)


def test_tables_grid_matches_width(docxs, name):
    """WPS lays tables out from w:gridCol and ignores w:tblW: they must agree."""
    for tbl in docxs[name]["word/document.xml"].iter(f"{W}tbl"):
        grid = sum(int(c.get(f"{W}w")) for c in tbl.iter(f"{W}gridCol"))
        width = int(tbl.find(f"{W}tblPr/{W}tblW").get(f"{W}w"))
        assert abs(grid - width) <= len(tbl.findall(f"{W}tblGrid/{W}gridCol"))


def test_property_elements_in_schema_order(docxs, name):
    """Out-of-order pPr/rPr/sectPr children make Word repair the file and WPS drop borders."""
    d = docxs[name]
    for part in [n for n in d.names if n.startswith("word/") and n.endswith(".xml")]:
        for parent_name, sequence in SCHEMA_ORDER.items():
            rank = _ranks(sequence)
            for parent in d[part].iter(f"{W}{parent_name}"):
                order = [rank[c.tag] for c in parent if c.tag in rank]
                assert order == sorted(order), (part, parent_name, [c.tag for c in parent])
                assert all(c.tag in rank for c in parent), (part, parent_name)


def test_metadata(docxs, models, name):
    core = docxs[name]["docProps/core.xml"]
    title = core.find("{http://purl.org/dc/elements/1.1/}title").text
    assert title == models[name].title.replace("\n", "")  # lines chosen in the plan
