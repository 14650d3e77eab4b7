"""Small plans written on the fly, and running `gongwen build` on them in-process."""
from __future__ import annotations

import textwrap
from pathlib import Path

from pipeline.cli import main

GOOD = """\
organ: 青山镇人民政府
number: 青政〔2026〕5号
title: 关于做好春耕生产工作的通知
to: 各村民委员会
body: |
  # 工作要求
  请各村认真落实。
signature:
  date: 2026-03-20
"""

# A report written by hand, with values the web form has no box for (params). The example
# report in inputs/ draws its figures from spreadsheets, which a web form never names.
HAND_REPORT = """\
kind: 报告
organ: 青山镇人民政府
number: 青政〔2026〕5号
signers: [王建国]
title: 青山镇人民政府关于2025年度工作情况的报告
to: 县人民政府
params:
  gdp_growth: 6.8
  new_jobs: 1260
body: |
  # 一、主要工作成效
  全年地区生产总值同比增长{{ params.gdp_growth }}%，新增城镇就业{{ params.new_jobs }}人。
  特此报告。
signature:
  organ: 青山镇人民政府
  date: 2026-01-15
closing:
  printer: 青山镇人民政府办公室
  date: 2026-01-15
"""


def write(tmp_path: Path, text: str, name: str = "plan.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def build(tmp_path, plan, capsys):
    out = tmp_path / "out"
    code = main(["build", str(plan), "-o", str(out)])
    err = capsys.readouterr().err
    return code, err, out
