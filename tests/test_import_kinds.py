"""`import` recognises the 文种 and the parts of the special formats (GB/T 9704 10.1-10.3): the
plan data it emits, with expected values written from the drafts below."""
from __future__ import annotations

import pytest

from pipeline.readers.draft import import_lines, text_lines
from pipeline.readers.importer import plan_data


def _plan(text: str) -> dict:
    return plan_data(import_lines(text_lines(text))[0])


ORDER = """青山县人民政府令
第5号
《青山县农村道路管理办法》已经2026年3月1日县人民政府第10次常务会议通过，现予公布，自2026年5月1日起施行。
县长  张三
2026年3月10日
"""

MINUTES = """青山镇党政联席会议纪要
第12期
青山镇党政办公室                2026年3月20日
2026年3月18日，镇党委书记王建国主持召开党政联席会议，研究春耕生产和村道建设工作。纪要如下：
一、关于春耕生产
会议要求各村做好春耕物资准备。
二、关于村道建设
会议同意修建青山村至石门村村道。
出席：王建国、李明、张华
请假：赵强（出差）
列席：镇党政办公室、财政所
"""


def test_an_order():
    plan = _plan(ORDER)
    assert (plan["kind"], plan["format"], plan["order_number"]) == ("令", "命令", "第5号")
    assert plan["organ"] == "青山县人民政府"
    assert plan["signature"] == {"date": "2026年3月10日", "title": "县长"}
    assert plan["body"].startswith("《青山县农村道路管理办法》")


def test_minutes():
    plan = _plan(MINUTES)
    assert (plan["kind"], plan["format"]) == ("纪要", "纪要")
    assert plan["meeting"] == {"issue": "第12期", "present": ["王建国", "李明", "张华"],
                               "absent": ["赵强（出差）"], "attending": ["镇党政办公室", "财政所"]}
    assert plan["organ"] == "青山镇党政办公室" and plan["signature"] == {"date": "2026年3月20日"}
    assert "to" not in plan  # the opening ending in ： is text, not an addressee
    assert plan["body"].splitlines()[1:] == ["# 关于春耕生产", "会议要求各村做好春耕物资准备。",
                                             "# 关于村道建设", "会议同意修建青山村至石门村村道。"]


@pytest.mark.parametrize("text, people", [
    ("镇长 王建国、党委委员、武装部部长 孙立新、镇党政办主任 周敏",
     ["镇长 王建国", "党委委员、武装部部长 孙立新", "镇党政办主任 周敏"]),
    ("党委书记、镇长 王建国，副镇长 李晓梅", ["党委书记、镇长 王建国", "副镇长 李晓梅"]),
    ("王建国、李明、张华", ["王建国", "李明", "张华"]),  # names only: 、 separates people
    ("镇党政办公室、财政所", ["镇党政办公室", "财政所"]),
    ("镇长 王建国、副镇长 李晓梅、财政所", ["镇长 王建国", "副镇长 李晓梅", "财政所"]),
    ("镇长 王建国、财政所、副镇长 李晓梅", ["镇长 王建国", "财政所", "副镇长 李晓梅"]),
])
def test_attendance_lists_keep_a_person_with_two_posts_whole(text, people):
    """Our own 纪要 joins people with 、, and a person with two posts has a 、 inside: read
    back, the posts stay with their person."""
    from pipeline.readers.draft import attendees

    assert attendees(text) == people


def test_a_letter_by_its_number():
    plan = _plan("青政函〔2026〕3号\n青山镇人民政府关于商请支持村道建设有关事项\n县交通运输局：\n请贵局派员指导村道建设，支持为盼。\n"
                 "青山镇人民政府\n2026年3月20日\n")
    assert (plan.get("kind"), plan.get("format"), plan["number"]) == ("函", "信函", "青政函〔2026〕3号")


@pytest.mark.parametrize("title,kind", [
    ("青山镇人民政府关于修建村道的请示", "请示"), ("县人民政府关于同意青山镇修建村道的批复", "批复"),
    ("青山镇人民政府关于2025年工作情况的报告", "报告"), ("青山镇人民政府关于表彰石门村的通报", "通报"),
    ("青山镇人民政府关于表彰先进村的决定", "决定"), ("青山镇人民政府关于商请支持的函", "函"),
])
def test_kind_from_the_title(title, kind):
    plan = _plan(f"{title}\n县人民政府：\n我镇村道建设进展顺利，全年完成12公里。\n青山镇人民政府\n2026年3月20日\n")
    assert plan["kind"] == kind
    assert plan.get("format") == {"函": "信函"}.get(kind)


def test_a_request_by_its_closing():
    plan = _plan("青山镇人民政府关于修建村道有关事项\n县人民政府：\n我镇拟修建村道3.2公里，需资金120万元。\n"
                 "妥否，请批示。\n青山镇人民政府\n2026年3月20日\n")
    assert plan["kind"] == "请示"


def test_a_notice_numbered_first_is_no_order():
    plan = _plan("青山镇人民政府公告\n第1号\n为做好防汛工作，现将有关事项公告如下：\n一、各村落实值班制度。\n"
                 "青山镇人民政府\n2026年3月20日\n")
    assert plan["kind"] == "公告" and "order_number" not in plan and "format" not in plan


def test_an_order_mark_under_a_sites_title():
    # a law site prints the regulation's name above the 令 that enacts it
    plan = _plan("生猪屠宰管理条例\n国务院\n中华人民共和国国务院令\n第238号\n"
                 "《生猪屠宰管理条例》已经1997年12月12日国务院第六十四次常务会议通过，现予发布。\n"
                 "总理  李鹏\n1997年12月19日\n")
    assert (plan["title"], plan["kind"], plan["order_number"]) == ("中华人民共和国国务院令", "令",
                                                                   "第238号")
    assert plan["signature"] == {"date": "1997年12月19日", "title": "总理"}


def test_an_order_number_in_the_numbers_place():
    plan = _plan("河北省人工影响天气管理规定\n政府令〔2010〕第15号\n《河北省人工影响天气管理规定》已经省政府"
                 "第76次常务会议通过，现予公布。\n省长\n二○一○年十二月二十五日\n")
    assert (plan["kind"], plan["format"], plan["order_number"]) == ("令", "命令", "政府令〔2010〕15号")
    assert "number" not in plan  # a 令 carries its 令号, no 发文字号


def test_an_attachment_pasted_after_the_date():
    plan = _plan("丹东市人民政府关于表彰先进乡镇的决定\n各县（市）区人民政府：\n市政府决定授予浪头镇等12个乡镇优胜"
                 "乡镇荣誉称号。\n附件：优胜乡镇名单\n二○○八年九月十一日\n附件：\n优胜乡镇名单\n一、优胜乡镇\n"
                 "东港市前阳镇人民政府\n二、先进工作者\n")
    assert plan["kind"] == "决定" and plan["signature"] == {"date": "2008年9月11日"}
    assert "#" not in plan["body"]  # the list's 一、 二、 are the attachment's
    assert plan["attachments"] == [{"title": "优胜乡镇名单", "body": "# 优胜乡镇\n东港市前阳镇人民政府\n"
                                                                      "# 先进工作者\n"}]


def test_a_reply_by_its_answering_words():
    plan = _plan("关于设立阳澄湖生态保护区有关事项\n××市人民政府办公厅：\n你市《关于设立阳澄湖生态保护区的请示》"
                 "（×府呈〔2013〕105号）收悉。经研究，批复如下：\n一、同意设立阳澄湖生态保护区。\n××省人民政府\n"
                 "2013年10月28日\n")
    assert plan["kind"] == "批复"


def test_import_says_what_the_kind_asks_for(tmp_path, capsys):
    from pipeline.cli import main

    source = tmp_path / "qingshi.txt"
    source.write_text("青山镇人民政府关于修建村道的请示\n县人民政府：\n我镇拟修建村道3.2公里。\n妥否，请批示。\n"
                      "青山镇人民政府\n2026年3月20日\n", encoding="utf-8")
    assert main(["import", str(source), "-o", str(tmp_path / "plan.yaml")]) == 0
    said = "".join(capsys.readouterr())
    plan = (tmp_path / "plan.yaml").read_text(encoding="utf-8")
    for message in ("请示 needs 联系人 and 电话 in the 附注 (note)",
                    "a 请示 is 上行文: it needs its 签发人 (signers)"):
        assert message in said and message in plan


def test_a_resolutions_adoption_line_becomes_its_title_note():
    plan = _plan("青山镇第十八届人民代表大会第五次会议关于政府工作报告的决议\n"
                 "（2026年1月10日青山镇第十八届人民代表大会第五次会议通过）\n"
                 "会议听取和审议了镇长所作的政府工作报告，决定批准这个报告。\n")
    assert plan["kind"] == "决议"
    assert plan["title_note"] == "2026年1月10日青山镇第十八届人民代表大会第五次会议通过"
    assert plan["body"] == "会议听取和审议了镇长所作的政府工作报告，决定批准这个报告。\n"


def test_a_parenthesised_line_that_is_no_adoption_stays_in_the_body():
    plan = _plan("青山镇人民政府关于开展植树活动的通知\n各村：\n（此件公开发布）\n请各村做好准备。\n")
    assert "title_note" not in plan
