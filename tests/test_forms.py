"""The standard's written forms (pipeline.forms); every expected value is written here from
GB/T 9704-2012 (7.2.4 发文字号, 7.3.3 结构层次序数, 7.3.5 成文日期) and ordinary Chinese numerals."""
from __future__ import annotations

import datetime as dt

import pytest

from pipeline import forms


# --- 发文字号 -------------------------------------------------------------------------------
def test_the_standards_example_parses():
    # GB/T 9704 7.2.4: 机关代字 舟组基, year 2012 in 〔〕, sequence 19 with no 第 or leading 0
    assert forms.parse_doc_number("舟组基〔2012〕19号") == ("舟组基", 2012, 19)
    assert forms.check_doc_number(" 舟组基〔2012〕19号 ") == "舟组基〔2012〕19号"
    assert forms.format_doc_number("舟组基", 2012, 19) == "舟组基〔2012〕19号"


@pytest.mark.parametrize("typed,reason,suggestion", [
    ("舟组基〔12〕19号", "write the year in full", "〔2026〕"),
    ("舟组基[2012]19号", "the year takes hexagonal brackets 〔〕", "e.g. 舟组基〔2012〕19号"),
    ("舟组基（2012）19号", "the year takes hexagonal brackets 〔〕", "e.g. 舟组基〔2012〕19号"),
    ("舟组基〔2012〕第19号", "no 第 before the sequence", "e.g. 舟组基〔2012〕19号"),
    ("舟组基〔2012〕019号", "no leading zeros in the sequence", "e.g. 舟组基〔2012〕19号"),
    ("19号", "is not a document number like 舟组基〔2012〕19号", ""),
])
def test_slips_fail_with_reason_and_suggestion(typed, reason, suggestion):
    with pytest.raises(ValueError) as exc:
        forms.check_doc_number(typed)
    assert reason in str(exc.value) and suggestion in str(exc.value)
    with pytest.raises(ValueError):
        forms.parse_doc_number(typed)


@pytest.mark.parametrize("typed,mended", [
    ("舟组基〔12〕19号", "舟组基〔2012〕19号"),  # a short year is this century's
    ("舟组基[2012]第019号", "舟组基〔2012〕19号"),
    ("舟组基〔２０１２〕１９号", "舟组基〔2012〕19号"),  # full-width digits
    ("舟组基〔2012〕19", "舟组基〔2012〕19号"),
    ("舟组基", ""),  # nothing to mend it into: no suggestion rather than a wrong one
])
def test_suggestion(typed, mended):
    assert forms.suggest_doc_number(typed) == mended


@pytest.mark.parametrize("typed,read", [
    ("青政发[2026]第05号", "青政发〔2026〕5号"),
    ("青政发 （2026） 5 号", "青政发〔2026〕5号"),
    ("青政发〔2026〕5号", "青政发〔2026〕5号"),
    ("关于做好春耕生产工作的通知", ""),
])
def test_loose_number_in_a_draft(typed, read):
    assert forms.loose_doc_number(typed) == read


def test_organ_code_form():
    assert forms.DOC_CODE.match("五委发") and forms.DOC_CODE.match("青政办发")
    for bad in ("青政〔2026〕", "第五委", "19号", "青 政", "5委"):
        assert not forms.DOC_CODE.match(bad), bad


# --- heading labels (7.3.3: 一、 （一） 1. （1）) ----------------------------------------------
@pytest.mark.parametrize("level,n,label", [
    (1, 1, "一、"), (1, 11, "十一、"), (2, 1, "（一）"), (2, 20, "（二十）"),
    (3, 1, "1."), (3, 12, "12."), (4, 1, "（1）"), (4, 3, "（3）"),
])
def test_label_for_level_and_number(level, n, label):
    assert forms.heading_label(level, n) == label


def test_label_outside_what_word_numbers():
    with pytest.raises(ValueError, match="outside 1..99"):
        forms.heading_label(1, 100)
    with pytest.raises(ValueError):
        forms.heading_label(3, 0)


def test_word_numbering_of_each_level():
    assert [forms.word_number_format(level) for level in (1, 2, 3, 4)] == [
        ("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3."),
        ("decimal", "（%4）")]


@pytest.mark.parametrize("line,found", [
    ("一、指导思想", (1, "一、", "指导思想", "一、")),
    ("（一）总体要求", (2, "（一）", "总体要求", "（一）")),
    ("1.细则", (3, "1.", "细则", "1.")),
    ("（1）具体做法", (4, "（1）", "具体做法", "（1）")),
    # the slips a draft brings, and how each label should read
    ("一．指导思想", (1, "一．", "指导思想", "一、")),
    ("(二)总体要求", (2, "(二)", "总体要求", "（二）")),
    ("三）保障措施", (2, "三）", "保障措施", "（三）")),
    ("2、细则", (3, "2、", "细则", "2.")),
    ("②具体做法", (4, "②", "具体做法", "（2）")),
    ("## 总体要求", (2, "##", "总体要求", "")),
])
def test_label_at_the_start_of_a_line(line, found):
    assert forms.heading_form(line) == found


@pytest.mark.parametrize("line", ["2026年工作回顾", "一是加强领导", "3.5万元用于道路", "正文。"])
def test_no_label(line):
    assert forms.heading_form(line) is None


@pytest.mark.parametrize("typed,n", [("3", 3), ("③", 3), ("十一", 11), ("二十", 20), ("十十", 0)])
def test_number_a_label_stands_for(typed, n):
    assert forms.label_number(typed) == n


def test_typed_label_is_stripped():
    assert forms.strip_typed_label("一、指导思想") == "指导思想"
    assert forms.strip_typed_label("（二）总体要求") == "总体要求"
    assert forms.strip_typed_label("3.5万元") == "3.5万元"  # a decimal is not a label


# --- Chinese numerals --------------------------------------------------------------------
@pytest.mark.parametrize("text,n", [("〇", 0), ("零", 0), ("一", 1), ("十", 10), ("十一", 11),
                                    ("二十", 20), ("二十一", 21), ("九十九", 99),
                                    ("一百", 100), ("一百零五", 105), ("一百一十", 110),
                                    ("二〇二六", 2026), ("一千零五", 1005)])
def test_numeral_to_number(text, n):
    assert forms.cn_to_int(text) == n


@pytest.mark.parametrize("n,text", [(0, "〇"), (1, "一"), (10, "十"), (11, "十一"), (20, "二十"),
                                    (99, "九十九"), (105, "一百零五"), (110, "一百一十"),
                                    (1005, "一千零五")])
def test_number_to_numeral(n, text):
    assert forms.int_to_cn(n) == text


@pytest.mark.parametrize("text", ["", "十十", "二三十", "百", "abc", "零十"])
def test_not_a_numeral(text):
    with pytest.raises(ValueError):
        forms.cn_to_int(text)


# --- dates (7.3.5: Arabic numerals, full year, no leading zeros) -----------------------------
@pytest.mark.parametrize("value", ["2026-03-20", "2026/3/20", "2026.3.20", "2026年3月20日",
                                   "2026年03月20日", "二〇二六年三月二十日", "２０２６年３月２０日",
                                   dt.date(2026, 3, 20)])
def test_date_written_in_the_standards_form(value):
    assert forms.format_date(value) == "2026年3月20日"


@pytest.mark.parametrize("value", ["2026-02-30", "明天", "2026-13-01", "二〇二六年十十月一日"])
def test_impossible_dates_rejected(value):
    with pytest.raises(ValueError):
        forms.format_date(value)


def test_old_dates_in_a_text_are_modernised():
    assert forms.modernise_dates("二〇一二年七月十日印发，二〇一二年十二月") == (
        "2012年7月10日印发，2012年12月", 2)
    assert forms.has_old_date("二〇一二年七月十日") and not forms.has_old_date("2012年7月10日")
    assert forms.DATE_LINE.match("2012年7月10日") and not forms.DATE_LINE.match("2012年7月")
    assert forms.LEADING_ZERO_DATE.search("2026年03月20日") and forms.LEADING_ZERO_DATE.search(
        "2026年3月05日") and not forms.LEADING_ZERO_DATE.search("2026年3月20日")
