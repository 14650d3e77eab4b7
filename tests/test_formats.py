"""The special formats of GB/T 9704 clause 10 (信函, 命令（令）, 纪要) and the 签名章 (7.3.5.3),
measured on the pipeline's PDF and on LibreOffice's rendering of the .docx.

Every expected number is written here from the standard (mm from the page or the core, in
characters of the 28-per-line grid), never read from the code under test.
"""
from __future__ import annotations

import shutil
import subprocess

import pymupdf
import pytest

from conftest import INPUTS, ROOT
from measure import horizontal_strokes, ink_box, is_red, line_ink, text_lines
from plans import build as _build
from plans import write as _plan
from pipeline.build import build_plan

TOL = 1.0  # mm, GB/T 9704 5.2.2
PAGE_W, PAGE_H = 210.0, 297.0
CORE_LEFT, CORE_RIGHT, CORE_TOP, CORE_BOTTOM = 28.0, 184.0, 37.0, 262.0
CHAR = 156 / 28  # mm, one character of the grid
PITCH = (225 - 0.886 * 16 * 25.4 / 72) / 21  # mm between the inks of two lines (22 lines)


# --- bad plans: one line naming the field ------------------------------------------------
ORDER = """\
kind: 令
organ: 云山县人民政府
order_number: 第5号
title: 云山县人民政府令第5号
body: |
  《云山县农村公路管理养护办法》已经县人民政府常务会议审议通过，现予公布。
signature:
  title: 县长
  stamp: stamp.png
  date: 2026-04-08
"""
MINUTES = """\
kind: 纪要
organ: 青山镇人民政府
mark_suffix: 镇长办公会议纪要
title: 关于春季防汛工作的会议纪要
meeting:
  present: [镇长 王建国]
body: |
  会议研究了春季防汛工作。
signature:
  date: 2026-04-10
"""
PLAIN = """\
organ: 青山镇人民政府
number: 青政〔2026〕5号
title: 关于做好春耕生产工作的通知
body: |
  请各村认真落实。
signature:
  date: 2026-03-20
"""


def _stamp(tmp_path):
    shutil.copy(INPUTS / "seals" / "county-head-signature.png", tmp_path / "stamp.png")
    shutil.copy(INPUTS / "seals" / "qingshan-government.png", tmp_path / "seal.png")


@pytest.mark.parametrize("plan,change,expect", [
    (MINUTES, ("  date: 2026-04-10\n", "  date: 2026-04-10\n  seal: seal.png\n"),
     ["plan.yaml:11", "field 'signature.seal'", "纪要 carries no seal"]),
    (ORDER, ("  stamp: stamp.png\n", ""), ["field 'signature.stamp'", "签名章"]),
    (ORDER, ("order_number: 第5号\n", ""), ["field 'order_number'", "令号"]),
    (ORDER, ("  title: 县长\n", ""), ["field 'signature.title'", "职务"]),
    (PLAIN, ("organ:", "format: 通知\norgan:"), ["plan.yaml:1", "field 'format'",
                                                   "文件, 信函, 命令, 纪要"]),
    (PLAIN, ("body:", "meeting:\n  present: 王建国\nbody:"),
     ["plan.yaml:4", "field 'meeting'", "纪要"]),
    (PLAIN, ("body:", "order_number: 第5号\nbody:"),
     ["plan.yaml:4", "field 'order_number'", "命令"]),
    (MINUTES, ("kind: 纪要\n", "kind: 纪要\nformat: 文件\n"), ["field 'meeting'", "文件 format"]),
])
def test_format_rules_named_in_one_line(tmp_path, capsys, plan, change, expect):
    _stamp(tmp_path)
    old, new = change
    assert old in plan
    code, err, out = _build(tmp_path, _plan(tmp_path, plan.replace(old, new, 1)), capsys)
    assert code == 1
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert not out.exists() or not any(out.iterdir())
    for part in expect:
        assert part in err, err


def test_good_order_and_minutes_build(tmp_path, capsys):
    _stamp(tmp_path)
    for text in (ORDER, MINUTES):
        code, err, out = _build(tmp_path, _plan(tmp_path, text), capsys)
        assert code == 0, err
