"""The OOXML builders write each length in its attribute's own unit (ECMA-376 17.18)."""

from pipeline.writers import ooxml as ox


def _attrs(element) -> dict:
    return {k.split("}")[1]: v for k, v in element.attrib.items()}


def test_spacing_is_in_twentieths_of_a_point():
    # 3号 body line pitch of about 28.95 pt → 579 twips; 2 blank lines of it before
    assert _attrs(ox.spacing(ox.pt(57.9), ox.pt(28.95))) == {
        "before": "1158", "after": "0", "line": "579", "lineRule": "exact"}


def test_single_spacing_counts_240ths_of_a_line():
    assert _attrs(ox.single_spacing())["line"] == "240"
    assert _attrs(ox.single_spacing())["lineRule"] == "auto"


def test_indents_hanging_replaces_first_line():
    assert _attrs(ox.indent(ox.pt(32), ox.pt(16), hanging=ox.pt(48))) == {
        "left": "640", "right": "320", "hanging": "960"}
    assert _attrs(ox.indent(first=ox.pt(32))) == {"left": "0", "right": "0", "firstLine": "640"}


def test_border_width_is_in_eighths_of_a_point_and_space_in_points():
    # the 版记's 0.35 mm rule = 0.992 pt = 7.94 eighths → 8; a 4 mm gap = 11.34 pt → 11
    assert _attrs(ox.border("w:top", ox.mm(0.35), "000000", ox.mm(4))) == {
        "val": "single", "sz": "8", "space": "11", "color": "000000"}


def test_font_size_is_in_half_points():
    # 3号 = 16 pt, 4号 = 14 pt, 2号 = 22 pt
    assert [_attrs(e)["val"] for e in ox.font_size(ox.pt(16))] == ["32", "32"]
    assert _attrs(ox.font_size(ox.pt(22))[0])["val"] == "44"


def test_table_measures_and_grid_are_in_twips():
    # the core's 156 mm = 442.2 pt = 8844 twips
    assert _attrs(ox.width("w:tblW", ox.mm(156))) == {"w": "8844", "type": "dxa"}
    assert [_attrs(c)["w"] for c in ox.grid([ox.mm(100), ox.mm(56)])] == ["5669", "3175"]


def test_section_lengths_are_whole_twips():
    # 28 mm = 79.37 pt = 1587.4 twips: the section stores 1587 twips = 1007745 EMU
    assert ox.section_length(ox.mm(28)) == 1587 * 635


def test_picture_extents_are_in_emu():
    assert ox.emu_mm(42) == 1512000  # a 42 mm seal: 36,000 EMU to the millimetre
