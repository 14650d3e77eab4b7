"""Thousands of generated and mutated drafts — glued lines, no newlines, random punctuation and
heading numbers, label storms, megabytes of text: every import ends (a hang guard, not a speed
claim: bench/import_speed.py measures that), with documents or a DraftError, never a
traceback; a sample of them is built, ending in files or a GongwenError."""
from __future__ import annotations

import random
import signal
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import DRAFTS
from pipeline.build import build_plan
from pipeline.errors import GongwenError
from pipeline.readers.draft import DraftError, import_lines, text_lines
from pipeline.readers.importer import plan_text, write_plan

CORPUS = Path(__file__).resolve().parent / "corpus" / "drafts"
SEEDS = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))] + \
        [p.read_text(encoding="utf-8", errors="replace") for p in sorted(DRAFTS.glob("*.txt"))]
PUNCT = list("。，、；：？！()（）【】《》“”—…·.,:;!?#|-　 \t") + ["\n", "\n\n", "——", "……"]
LABELS = ["一、", "二、", "十一、", "（一）", "(二)", "三)", "（三", "1、", "2.", "3．", "12,", "（1）",
          "(2)", "①", "⑳", "第二篇：", "篇2", "【第三篇】", "[篇2]", "『范文1』", "1把", "、", "# ",
          "#### ", "附件：", "抄送：", "二〇二六年三月二十日", "青委发(2026)第03号", "各村：",
          "关于", "的通知", "工作汇报6", "- 相关推荐", "【推荐】相关文章：", "范文10-08", "(zhèn)",
          "-1-", "……此处隐藏400个字……", "时间:2022-05-04 03:40:00", "查文庫>公開信>"]
CASES = 2400
HANG_GUARD_S = 60  # far above any import's time: only a hang trips it


class Hang(Exception):
    pass


@contextmanager
def guard(seconds: int, what: str):
    def trip(signum, frame):
        raise Hang(f"{what} still running after {seconds} s")
    old = signal.signal(signal.SIGALRM, trip)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _mutate(rng: random.Random, text: str) -> str:
    kind = rng.randrange(8)
    if kind == 0:  # a page pasted into one line
        return text.replace("\n", rng.choice(["", " ", "  "]))
    if kind == 1:  # random punctuation everywhere
        chars = list(text)
        for _ in range(rng.randrange(1, 80)):
            chars.insert(rng.randrange(len(chars) + 1), rng.choice(PUNCT))
        return "".join(chars)
    if kind == 2:  # heading numbers and site labels in random places
        chars = list(text)
        for _ in range(rng.randrange(1, 40)):
            chars.insert(rng.randrange(len(chars) + 1), rng.choice(LABELS))
        return "".join(chars)
    if kind == 3:  # a random window, cut anywhere
        a = rng.randrange(len(text))
        return text[a:a + rng.randrange(1, 3000)]
    if kind == 4:  # lines shuffled
        lines = text.splitlines()
        rng.shuffle(lines)
        return "\n".join(lines)
    if kind == 5:  # one line repeated into a very long line
        line = rng.choice(text.splitlines() or [text]) or "。"
        return line * rng.randrange(50, 400)
    if kind == 6:  # characters deleted
        chars = list(text)
        for _ in range(rng.randrange(1, 200)):
            if chars:
                del chars[rng.randrange(len(chars))]
        return "".join(chars)
    return "".join(rng.choice([rng.choice(LABELS), rng.choice(PUNCT),
                               chr(rng.randrange(0x4E00, 0x9FA5)) * rng.randrange(1, 5)])
                   for _ in range(rng.randrange(1, 400)))


def _pathological() -> list[str]:
    return ["一" * 50_000, "（" * 50_000, "1、" * 20_000, "。" * 50_000, " " * 50_000 + "x",
            "？" * 30_000 + "镇", "关于" * 10_000 + "的通知", "报告" * 20_000, "篇1\n" * 5_000,
            "\n" * 100_000, "乡(zhèn)" * 10_000, "一、" * 10_000 + "各村：" * 5_000,
            ("1、" + "字" * 200 + "\n") * 500, "\u2002" * 100_000 + "一、目标",
            "第一篇：" * 5_000, "(一" * 20_000, "、" * 50_000, "#" * 50_000]


def _megabytes() -> list[str]:
    rng = random.Random(7)
    corpus = "\n".join(SEEDS)
    big = (corpus * (1_000_000 // len(corpus) + 1))[:1_000_000]
    noise = "".join(rng.choice(LABELS + PUNCT) + chr(rng.randrange(0x4E00, 0x9FA5)) * 30
                    for _ in range(30_000))
    return [big.replace("\n", ""), big, noise]


def _import(text: str, what: str):
    with guard(HANG_GUARD_S, what):
        try:
            drafts = import_lines(text_lines(text))
        except DraftError:
            return []
        n_lines = max(1, len(text.splitlines()))
        for draft in drafts:
            assert isinstance(draft.title, str) and sum(draft.headings().values()) >= 0
            assert all(1 <= c.line <= n_lines for c in draft.changes), what
            plan_text(draft, Path("fuzz.txt"))
        return drafts


def test_generated_and_mutated_drafts_import(tmp_path):
    rng = random.Random(20261201)
    imported = built = 0
    cases = [(f"case {i}", _mutate(rng, rng.choice(SEEDS))) for i in range(CASES)]
    cases += [(f"pathological {i}", t) for i, t in enumerate(_pathological())]
    for what, text in cases:
        drafts = _import(text, what)
        imported += 1
        if drafts and imported % 150 == 0:  # a sample is built, the PDF for some
            formats = ("docx", "pdf") if imported % 600 == 0 else ("docx",)
            plan = write_plan(drafts[0], Path("fuzz.txt"), tmp_path / f"fuzz-{imported}.yaml")
            with guard(HANG_GUARD_S * 3, f"building {what}"):
                try:
                    build_plan(plan, tmp_path / "out", formats)
                    built += 1
                except GongwenError:
                    pass
    assert imported == CASES + len(_pathological()) and built >= 5


@pytest.mark.parametrize("index", range(3))
def test_megabyte_drafts_import(index):
    text = _megabytes()[index]
    assert len(text) >= 900_000
    drafts = _import(text, f"megabyte draft {index}")
    assert drafts == [] or all(d.title for d in drafts)
