"""The pure transforms: heading labels, titles, body markup (the written forms themselves:
tests/test_forms.py)."""
from __future__ import annotations

import pytest

from pipeline.model import Heading, Paragraph, Table
from pipeline.readers.body import parse_body
from pipeline.transforms.numbering import number_headings
from pipeline.transforms.title import split_title
from pipeline.text.width import text_chars


def test_labels_restart_under_each_parent():
    blocks = [Heading(1, "a"), Heading(2, "b"), Heading(3, "c"), Heading(4, "d"), Heading(4, "e"),
              Heading(3, "f"), Heading(4, "g"), Heading(2, "h"), Heading(3, "i"), Heading(1, "j"),
              Heading(3, "k"), Heading(2, "l")]
    labels = [b.label for b in number_headings(blocks)]
    assert labels == ["一、", "（一）", "1.", "（1）", "（2）", "2.", "（1）", "（二）", "1.",
                      "二、", "1.", "（一）"]


def test_short_title_stays_on_one_line():
    assert split_title("关于做好春耕生产工作的通知") == ["关于做好春耕生产工作的通知"]


def test_manual_title_breaks_are_kept():
    assert split_title("青山镇人民政府\n关于做好春耕生产工作的通知") == [
        "青山镇人民政府", "关于做好春耕生产工作的通知"]


# GB/T 9704 7.3.1: a title in 2号 type, 20 characters to the line in the 156 mm core (two
# digits take one character's width); it breaks with words whole, never between a number and
# its unit, and stands as a trapezoid or lozenge. Each split below was set by hand.
@pytest.mark.parametrize("title,keep,lines", [
    # organ and 关于 above, the matter and 文种 below: 10 over 13 characters, a trapezoid
    ("中共青山镇委员会关于2026年度基层党建工作的意见", ("中共青山镇委员会",),
     ["中共青山镇委员会关于", "2026年度基层党建工作的意见"]),
    # 13 over 16: 《…》 may break inside the book title, between words (农村 / 人居环境)
    ("关于印发《青山镇2026年农村人居环境整治提升实施方案》的通知", (),
     ["关于印发《青山镇2026年农村", "人居环境整治提升实施方案》的通知"]),
])
def test_long_title_breaks_by_hand(title, keep, lines):
    assert split_title(title, keep=keep) == lines


def test_body_markup():
    blocks = parse_body("正文一段。\n\n# 一、指导思想\n## （一）总体要求\n### 1、细则\n| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n")
    assert isinstance(blocks[0], Paragraph)
    assert [(b.level, b.text) for b in blocks if isinstance(b, Heading)] == [
        (1, "指导思想"), (2, "总体要求"), (3, "细则")], "typed labels are dropped, not doubled"
    table = blocks[-1]
    assert isinstance(table, Table) and table.header == ["甲", "乙"] and table.rows == [["1", "2"]]


def test_text_width_counts_half_width_as_half():
    assert text_chars("附件：") == 3
    assert text_chars("2026年") == 3


def test_title_split_is_linear_not_combinatorial():
    # 60 characters with a boundary after every two: the old search tried C(29, 2) splits per
    # line count and grew exponentially past that; the split must still be balanced
    title = "关于" * 30
    lines = split_title(title)
    assert [len(line) for line in lines] == [20, 20, 20]


def test_title_longer_than_any_gongwen_title_gets_full_lines_and_a_finding():
    from pipeline.transforms.title import title_finding

    title = "各村（社区）要高度重视，" * 40  # a glued paragraph, 480 characters
    lines = split_title(title)
    assert "".join(lines) == title
    assert all(len(line) <= 20 for line in lines)
    assert not any(line[0] in "，。）" for line in lines)
    assert "480 characters" in title_finding(title) and "glued" in title_finding(title)
    assert title_finding("关于做好春耕生产工作的通知") == ""
