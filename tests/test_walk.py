"""The one walk of the model: the standard's element order, and writers that cover it."""
import pytest

from pipeline import model
from pipeline.writers import walk
from pipeline.writers.docx import _DocxWriter
from pipeline.writers.html import _HtmlLayout


def _full_document() -> model.Document:
    return model.Document(
        header=model.Header(["青山镇人民政府"], copy_number="000001", urgency="特急",
                            number="青政发〔2026〕3号"),
        title="青山镇人民政府关于开展安全生产检查的通知",
        addressees="各村（社区）：",
        blocks=[model.Heading(1, "检查范围", "一、"), model.Paragraph("全镇企业。"),
                model.Table(["村", "人数"], [["东村", "12"]])],
        attachment_names=["检查表", "联系人名单"],
        signature=model.Signature(["青山镇人民政府"], "2026年3月20日"),
        note="此件公开发布",
        attachments=[model.Attachment("检查表", [model.Paragraph("表一")]),
                     model.Attachment("联系人名单", [model.Heading(1, "镇级", "一、")])],
        closing=model.Closing(copies_to="县应急管理局", printer="青山镇党政办公室",
                              print_date="2026年3月20日"))


def test_elements_come_in_the_standards_order():
    kinds = [(e.kind, e.where) for e in walk.walk(_full_document())]
    # GB/T 9704 7.2 → 7.3 → 7.4: 版头, then the 主体 in its order, then the 版记
    assert kinds == [
        ("header_lines", "版头"), ("organ_mark", "发文机关标志"), ("doc_number", "发文字号"),
        ("title", "标题"), ("addressees", "主送机关"),
        ("heading", "正文第1段"), ("paragraph", "正文第2段"), ("table", "正文第3段"),
        ("attachment_note", "附件说明"), ("signature", "署名"), ("note", "附注"),
        ("attachment", "附件1"), ("paragraph", "附件1第1段"),
        ("attachment", "附件2"), ("heading", "附件2第1段"),
        ("closing", "版记")]


def test_absent_elements_are_not_walked():
    doc = model.Document(header=model.Header(["青山镇人民政府"]), title="关于放假的通知",
                         blocks=[model.Paragraph("放假三天。")], format="纪要")
    assert [e.kind for e in walk.walk(doc)] == ["minutes_head", "title", "paragraph"]


def test_a_document_without_addressees_keeps_their_blank_line():
    """A 通告 or 决议 in 文件格式 names no 主送机关; the body still starts one blank line below
    the title, where the 主送机关's blank line would be: the element comes with no text."""
    doc = model.Document(header=model.Header(["青山镇人民政府"]), title="关于禁止野外用火的通告",
                         blocks=[model.Paragraph("禁止野外用火。")], title_note="")
    assert [(e.kind, e.node) for e in walk.walk(doc)][2:4] == [("title", doc), ("addressees", "")]


def test_a_title_note_comes_right_after_the_title():
    doc = model.Document(header=model.Header(["青山镇人民代表大会主席团"]), title="关于政府工作报告的决议",
                         blocks=[model.Paragraph("会议决定批准这个报告。")],
                         title_note="2026年1月10日青山镇第十八届人民代表大会第五次会议通过")
    assert [e.kind for e in walk.walk(doc)][2:5] == ["title", "title_note", "addressees"]


def test_one_attachment_is_labelled_without_a_number():
    doc = _full_document()
    doc.attachments = doc.attachments[:1]
    assert [e.where for e in walk.walk(doc) if e.kind == "attachment"] == ["附件"]


@pytest.mark.parametrize("writer", [_DocxWriter, _HtmlLayout])
def test_every_writer_has_a_rule_for_every_kind(writer):
    assert set(writer.rules) == set(walk.KINDS)


def test_a_writer_missing_a_rule_is_refused_when_defined():
    rules = {f"_{k}": walk.rule(k)(lambda self, e: None) for k in walk.KINDS if k != "closing"}
    with pytest.raises(TypeError, match="^Partial has no rule for closing$"):
        type("Partial", (walk.Writer,), rules)
    complete = type("Complete", (walk.Writer,), {**rules, "_c": walk.rule("closing")(lambda self, e: None)})
    assert set(complete.rules) == set(walk.KINDS)
