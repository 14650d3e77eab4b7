"""What the template budgets cost: filling a certificate wording and a batch body with the
budgeted sandbox (pipeline.transforms.placeholders.fill: alarm, range/size/depth checks,
output counted chunk by chunk, the result scanned for control characters) against jinja2's
plain SandboxedEnvironment rendering the same compiled templates, in the same run.

    python3 bench/template_budget.py [--n 20000]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jinja2 import StrictUndefined  # noqa: E402
from jinja2.sandbox import SandboxedEnvironment  # noqa: E402

from pipeline.transforms.placeholders import fill  # noqa: E402

WORDING = "{{ 姓名 }}同志：在{{ 年度 }}年度工作中表现突出，被评为“{{ 荣誉称号 }}”。特发此证，以资鼓励。"
BODY = ("为切实做好2026年秋冬季森林防火工作，现将你村防火任务下达如下。\n# 任务指标\n"
        "你村需巡查林地{{ row.林地面积 }}亩，组建义务扑火队{{ row.扑火队人数 }}人，"
        "于{{ row.完成时限 }}前完成隐患排查。\n# 工作要求\n{{ row.联系人 }}同志具体负责。\n") * 5


def _time(fn, n: int) -> float:
    started = time.perf_counter()
    for i in range(n):
        fn(i)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20_000)
    n = parser.parse_args().n
    plain = SandboxedEnvironment(undefined=StrictUndefined, keep_trailing_newline=True)
    cases = {
        "certificate wording": (WORDING, lambda i: {"姓名": f"王{i}", "年度": "2025",
                                                    "荣誉称号": "优秀共产党员"}),
        "batch body (5 paragraphs × 4 values)": (BODY, lambda i: {"row": {
            "林地面积": str(i), "扑火队人数": "20", "完成时限": "11月10日", "联系人": "王建军"}}),
    }
    for name, (text, context) in cases.items():
        template = plain.from_string(text)
        assert fill(text, context(0)) == template.render(**context(0))
        base = _time(lambda i: template.render(**context(i)), n)
        ours = _time(lambda i: fill(text, context(i)), n)
        print(f"{name}: plain sandbox {base / n * 1e6:.1f} µs, budgeted {ours / n * 1e6:.1f} µs "
              f"per fill ({ours / base:.2f}× the plain sandbox; n={n})")


if __name__ == "__main__":
    main()
