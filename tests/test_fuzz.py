"""Random plans, batch rows, rosters and drafts for a fixed time (seeded, so a failure can be
replayed): no hang, no traceback, nothing half-written, unreadable or private."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import ROOT

SECONDS = float(os.environ.get("GONGWEN_FUZZ_SECONDS", "25"))
SEED = int(os.environ.get("GONGWEN_FUZZ_SEED", "17"))


def test_fuzz_for_a_fixed_time(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("GONGWEN_DEBUG", None)
    # the bound: the fixed time, plus one slow iteration and the start-up; more is a hang
    proc = subprocess.run([sys.executable, str(ROOT / "tests" / "fuzz.py"), str(SECONDS),
                           str(SEED), str(tmp_path)], env=env, capture_output=True, text=True,
                          timeout=SECONDS + 120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    stats = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"fuzz: {stats['iterations']} iterations in {SECONDS:g} s (seed {SEED}): "
          f"{stats['exits']}")
    assert stats["iterations"] >= 10, stats
    assert not stats["failures"], json.dumps(stats["failures"][:5], ensure_ascii=False,
                                             indent=1)
    kinds = {k.split(":")[0] for k in stats["exits"]}
    assert kinds == {"build", "batch", "certificates", "import", "check"}, kinds
