"""The 文种 rules (pipeline.kinds): each fires on a planted defect and is silent on a good
example; messages are written here as a clerk should read them."""
from __future__ import annotations

from dataclasses import replace

import pytest

from pipeline import kinds
from pipeline.model import Document, Header, Heading, Paragraph, Signature
from plans import build as _build
from plans import write as _plan


def _doc(kind: str, body: list[str], *, to: str = "县人民政府：", note: str = "",
         signers=("王建国",), title: str = "", fmt: str = "文件", date: str = "2026年3月20日"):
    blocks = [Heading(1, t[2:]) if t.startswith("# ") else Paragraph(t) for t in body]
    return Document(header=Header(["青山镇人民政府"], signers=list(signers)),
                    title=title or f"青山镇人民政府关于修建村道的{kind}", addressees=to,
                    blocks=blocks, note=note, kind=kind, format=fmt,
                    signature=Signature(["青山镇人民政府"], date) if date else None)


def _fired(doc: Document) -> dict[str, str]:
    return {f.rule.id: f.message for f in kinds.check(doc)}


GOOD = {
    "请示": _doc("请示", ["为方便群众出行，我镇拟修建青山村至石门村村道3.2公里，需资金120万元。",
                          "妥否，请批示。"], note="联系人：李明，电话：0571-12345678"),
    "报告": _doc("报告", ["2025年全镇完成村道硬化12公里。", "特此报告。"]),
    "批复": _doc("批复", ["你镇《关于修建青山村至石门村村道的请示》（青政〔2026〕5号）收悉。经研究，"
                          "同意修建。", "此复。"], to="青山镇人民政府：", title="县人民政府关于同意"
                          "青山镇修建村道的批复"),
    "函": _doc("函", ["请贵局派员指导村道建设。", "特此函告。"], fmt="信函"),
    "通报": _doc("通报", ["2025年，石门村在村道建设中成绩突出。", "特此通报。"], to="各村民委员会：",
                 title="青山镇人民政府关于表彰石门村村道建设工作的通报"),
    "决定": _doc("决定", ["经镇人民政府研究，决定授予石门村“村道建设先进村”称号。"],
                 to="各村民委员会：", title="青山镇人民政府关于表彰石门村的决定"),
    "决议": replace(_doc("决议", ["会议同意镇人民政府工作报告，决定批准这个报告。"], to="",
                         title="青山镇第十八届人民代表大会第五次会议关于政府工作报告的决议",
                         date=""), title_note="2026年1月10日青山镇第十八届人民代表大会第五次会议通过"),
    "通告": _doc("通告", ["自2026年10月1日起，林区禁止一切野外用火。", "特此通告。"], to="",
                 title="青山镇人民政府关于禁止野外用火的通告"),
    "公告": _doc("公告", ["青山至石门公路将于2026年10月1日起封闭施工。", "特此公告。"], to="",
                 title="青山县人民政府关于青山至石门公路封闭施工的公告"),
}


@pytest.mark.parametrize("kind", list(GOOD))
def test_good_examples_pass_every_rule(kind):
    assert _fired(GOOD[kind]) == {}


def test_every_rule_has_a_source_and_names_a_plan_field():
    fields = {"body", "note", "signers", "to", "format", "title", "signature", "title_note"}
    for rule in kinds.RULES:
        assert rule.source and rule.field in fields and rule.severity in (kinds.ERROR, kinds.WARNING)


@pytest.mark.parametrize("kind,change,rule,message", [
    ("请示", {"note": ""}, "qingshi-contact", "请示 needs 联系人 and 电话 in the 附注 (note)"),
    ("请示", {"note": "联系人：李明"}, "qingshi-contact",
     "请示 needs 联系人 and 电话 in the 附注 (note)"),
    ("请示", {"header": Header(["青山镇人民政府"])}, "qingshi-signers",
     "a 请示 is 上行文: it needs its 签发人 (signers)"),
    ("请示", {"blocks": [Paragraph("我镇拟修建青山村至石门村村道3.2公里。")]}, "qingshi-closing",
     "a 请示 ends with its request, e.g. 妥否，请批示 or 以上请示，请予审批"),
    ("请示", {"blocks": [Paragraph("我镇拟修建村道3.2公里，请批准。"),
                         Paragraph("我镇拟新建办公楼一栋，请审批。"), Paragraph("妥否，请批示。")]},
     "qingshi-one-matter", "a 请示 asks one matter; this body asks 2 separate approvals"),
    ("报告", {"blocks": [Paragraph("2025年全镇完成村道硬化12公里。"),
                         Paragraph("明年拟再修5公里，妥否，请批示。")]}, "baogao-no-request",
     "a 报告 may not carry a request (条例: 不得夹带请示事项): '明年拟再修5公里，妥否，请批示。'"),
    ("报告", {"header": Header(["青山镇人民政府"])}, "baogao-signers",
     "a 报告 to 县人民政府 is 上行文: give its 签发人 (signers), GB/T 9704 7.2.5"),
    ("批复", {"addressees": "各村民委员会："}, "pifu-one-addressee",
     "a 批复 answers the unit that asked: one addressee, not '各村民委员会：'"),
    ("批复", {"addressees": "青山镇人民政府、石门镇人民政府："}, "pifu-one-addressee",
     "a 批复 answers the unit that asked: one addressee, not '青山镇人民政府、石门镇人民政府：'"),
    ("批复", {"blocks": [Paragraph("你镇关于修建村道的请示（青政〔2026〕5号）收悉。同意。")]},
     "pifu-cites-title", "a 批复 cites the 请示 it answers by title in its first paragraph: 《…的请示》"),
    ("批复", {"blocks": [Paragraph("你镇《关于修建村道的请示》收悉。同意。")]},
     "pifu-cites-number", "a 批复 cites the 请示's number in its first paragraph: （…〔2026〕N号）"),
    ("函", {"format": "文件"}, "han-letter-format",
     "a 函 is laid out in 信函格式 (GB/T 9704 10.1); this one is in 文件格式"),
    ("通报", {"title": "通报"}, "tongbao-subject", "a 通报's title names what it reports on: 关于…的通报"),
    ("通报", {"blocks": [Paragraph("石门村成绩突出，拟予表彰，请批准。")]}, "tongbao-no-request",
     "a 通报 tells and asks nothing: '石门村成绩突出，拟予表彰，请批准。' belongs in a 请示"),
    ("决定", {"signature": None}, "jueding-date", "a 决定 needs its 成文日期 (signature: date)"),
    ("决定", {"blocks": [Paragraph("拟授予石门村先进村称号，妥否，请批示。")]}, "jueding-no-request",
     "a 决定 decides and asks nothing: '拟授予石门村先进村称号，妥否，请批示。'"),
    ("决议", {"title_note": ""}, "jueyi-adoption",
     "a 决议 carries its adoption line under the title: write title_note, e.g. "
     "2026年1月10日青山镇第十八届人民代表大会第五次会议通过"),
    ("决议", {"title_note": "青山镇第十八届人民代表大会第五次会议"}, "jueyi-adoption",
     "a 决议's title_note gives the date and the meeting that adopted it, ending in 通过: "
     "'青山镇第十八届人民代表大会第五次会议'"),
    ("决议", {"addressees": "各位代表："}, "jueyi-no-addressee",
     "a 决议 is adopted by a meeting and sent to no one: remove to ('各位代表：')"),
    ("通告", {"addressees": "各村民委员会："}, "tonggao-no-addressee",
     "a 通告 is posted publicly and has no 主送机关: remove to ('各村民委员会：'), or write a 通知"),
    ("公告", {"addressees": "各乡镇人民政府："}, "gonggao-no-addressee",
     "a 公告 is posted publicly and has no 主送机关: remove to ('各乡镇人民政府：'), or write a 通知"),
])
def test_rule_fires_on_a_planted_defect(kind, change, rule, message):
    fired = _fired(replace(GOOD[kind], **change))
    assert rule in fired, fired
    assert fired[rule].startswith(message)


def test_one_request_and_a_closing_formula_are_one_matter():
    doc = replace(GOOD["请示"], blocks=[Paragraph("我镇拟修建村道3.2公里，需资金120万元，请予批准。"),
                                       Paragraph("以上请示，请予审批。")])
    assert "qingshi-one-matter" not in _fired(doc)


def test_an_adoption_line_approved_by_a_standing_committee_is_one_too():
    doc = replace(GOOD["决议"], title_note="2026年6月28日青山县第十八届人民代表大会常务委员会"
                                           "第二十次会议批准")
    assert _fired(doc) == {}


def test_report_to_the_meeting_needs_no_signer():
    doc = replace(GOOD["报告"], addressees="各位代表：", header=Header(["青山镇人民政府"]))
    assert _fired(doc) == {}


QINGSHI = """\
kind: 请示
organ: 青山镇人民政府
number: 青政〔2026〕5号
signers: [王建国]
title: 青山镇人民政府关于修建村道的请示
to: 县人民政府
body: |
  我镇拟修建青山村至石门村村道3.2公里。
  妥否，请批示。
signature:
  date: 2026-03-20
note: 联系人：李明，电话：0571-12345678
"""


def test_an_error_stops_the_build_naming_the_field(tmp_path, capsys):
    plan = _plan(tmp_path, QINGSHI.replace("note: 联系人：李明，电话：0571-12345678\n", "note: 此件公开发布\n"))
    code, err, out = _build(tmp_path, plan, capsys)
    assert code == 1 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "plan.yaml:12" in err and "field 'note'" in err
    assert "请示 needs 联系人 and 电话 in the 附注 (note)" in err
    assert not out.exists() or not any(out.iterdir())


def test_a_warning_is_printed_and_the_build_goes_on(tmp_path, capsys):
    plan = _plan(tmp_path, QINGSHI.replace("  妥否，请批示。\n", "  特此请示。\n"))
    code, err, out = _build(tmp_path, plan, capsys)
    assert code == 0 and (out / "plan.docx").exists()
    assert "warning: a 请示 ends with its request, e.g. 妥否，请批示 or 以上请示，请予审批 (field 'body')" in err


JUEYI = """\
kind: 决议
organ: 青山镇人民代表大会主席团
number: 青人主〔2026〕2号
title: 青山镇第十八届人民代表大会第五次会议关于政府工作报告的决议
title_note: （2026年1月10日青山镇第十八届人民代表大会第五次会议通过）
body: |
  会议同意镇人民政府工作报告，决定批准这个报告。
"""


def test_a_resolution_without_its_adoption_line_stops_naming_title_note(tmp_path, capsys):
    plan = _plan(tmp_path, JUEYI.replace(
        "title_note: （2026年1月10日青山镇第十八届人民代表大会第五次会议通过）\n", ""))
    code, err, out = _build(tmp_path, plan, capsys)
    assert code == 1 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "field 'title_note'" in err
    assert "a 决议 carries its adoption line under the title: write title_note" in err
    assert not out.exists() or not any(out.iterdir())


def test_a_resolution_with_its_adoption_line_builds(tmp_path, capsys):
    code, err, out = _build(tmp_path, _plan(tmp_path, JUEYI), capsys)
    assert code == 0 and "warning" not in err and (out / "plan.docx").exists()


def test_an_empty_title_note_is_refused(tmp_path, capsys):
    plan = _plan(tmp_path, JUEYI.replace("（2026年1月10日青山镇第十八届人民代表大会第五次会议通过）", "（）"))
    code, err, _out = _build(tmp_path, plan, capsys)
    assert code == 1 and "plan.yaml:5" in err and "field 'title_note'" in err
    assert "the title note is empty" in err
