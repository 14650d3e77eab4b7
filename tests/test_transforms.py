"""The pure transforms: heading labels, dates, titles, document numbers, body markup."""
from __future__ import annotations

import pytest

from pipeline.model import Heading, Paragraph, Table
from pipeline.readers.body import parse_body
from pipeline.readers.plan import check_doc_number
from pipeline.transforms.dates import format_date
from pipeline.transforms.numbering import chinese_number, number_headings
from pipeline.transforms.title import split_title
from pipeline.writers.text_width import text_chars


@pytest.mark.parametrize("n,cn", [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"),
                                  (21, "二十一"), (99, "九十九")])
def test_chinese_counting(n, cn):
    assert chinese_number(n) == cn


def test_labels_restart_under_each_parent():
    blocks = [Heading(1, "a"), Heading(2, "b"), Heading(3, "c"), Heading(4, "d"), Heading(4, "e"),
              Heading(3, "f"), Heading(4, "g"), Heading(2, "h"), Heading(3, "i"), Heading(1, "j"),
              Heading(3, "k"), Heading(2, "l")]
    labels = [b.label for b in number_headings(blocks)]
    assert labels == ["一、", "（一）", "1.", "（1）", "（2）", "2.", "（1）", "（二）", "1.",
                      "二、", "1.", "（一）"]


@pytest.mark.parametrize("value", ["2026-03-20", "2026/3/20", "2026.3.20", "2026年3月20日",
                                   "二〇二六年三月二十日", "２０２６年３月２０日"])
def test_dates_in_arabic_without_leading_zeros(value):
    assert format_date(value) == "2026年3月20日"


@pytest.mark.parametrize("value", ["2026-02-30", "明天", "2026-13-01"])
def test_impossible_dates_rejected(value):
    with pytest.raises(ValueError):
        format_date(value)


@pytest.mark.parametrize("number", ["舟组基〔2012〕19号", "青委发〔2026〕1号"])
def test_document_number_accepted(number):
    assert check_doc_number(number) == number


@pytest.mark.parametrize("number,hint", [("舟组基[2012]19号", "〔〕"), ("舟组基(2012)19号", "〔〕"),
                                         ("舟组基〔2012〕第19号", "第"), ("舟组基〔2012〕019号", "leading"),
                                         ("舟组基〔12〕19号", "in full"), ("19号", "not a document")])
def test_document_number_rejected_with_reason(number, hint):
    with pytest.raises(ValueError, match=hint):
        check_doc_number(number)


def test_short_title_stays_on_one_line():
    assert split_title("关于做好春耕生产工作的通知") == ["关于做好春耕生产工作的通知"]


def test_manual_title_breaks_are_kept():
    assert split_title("青山镇人民政府\n关于做好春耕生产工作的通知") == [
        "青山镇人民政府", "关于做好春耕生产工作的通知"]


@pytest.mark.parametrize("title,keep", [
    ("中共青山镇委员会关于2026年度基层党建工作的意见", ("中共青山镇委员会",)),
    ("某某县人力资源和社会保障局关于开展2026年度村级后备干部集中培训工作的通知", ("某某县人力资源和社会保障局",)),
    ("关于印发《青山镇2026年农村人居环境整治提升实施方案》的通知", ()),
])
def test_long_title_breaks_at_word_boundaries_into_a_trapezoid(title, keep):
    lines = split_title(title, keep=keep)
    assert "".join(lines) == title
    assert all(len(line) <= 20 for line in lines) and len(lines) >= 2
    for phrase in keep:
        assert any(phrase in line for line in lines), "organ name split across lines"
    for a, b in zip(lines, lines[1:]):
        assert not (a[-1].isdigit() and b[0] in "年月日号"), "number split from its unit"
        assert b[0] not in "的之和与及》”）"
    lengths = [len(line) for line in lines]
    assert lengths == sorted(lengths) or lengths == sorted(lengths, reverse=True) or \
        lengths.index(max(lengths)) not in (0, len(lengths) - 1)


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
