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


def write(tmp_path: Path, text: str, name: str = "plan.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def build(tmp_path, plan, capsys):
    out = tmp_path / "out"
    code = main(["build", str(plan), "-o", str(out)])
    err = capsys.readouterr().err
    return code, err, out
