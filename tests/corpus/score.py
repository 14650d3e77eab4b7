"""Corpus score: how many real pasted drafts import with the title and heading structure a
person reads in them (tests/corpus/expected.yaml, set by hand).

    python3 tests/corpus/score.py            # summary and one line per draft
    python3 tests/corpus/score.py -v         # also what came out for the misses

Three sets: drafts/ with expected.yaml, which the import was developed against; heldout/
with heldout.yaml, collected and set after it was built; blind2/ with blind2.yaml, collected
after the fixes the held-out set prompted; kinds/ with kinds.yaml, real 令, 决定 and 批复 pages
collected after the import learned the 文种, where the 文种 is scored too. Each later set shows how the import does on copies
it was not fitted to (its first run is the honest number).

A draft scores when its first document's title is right (the 关于… line, or organ + 关于… when
the expectation names an organ) and its heading counts match at all four levels.
"""
from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent


def _norm(text: str) -> str:
    text = re.sub(r"\s+", "", text)
    return text.replace("(", "（").replace(")", "）")


SETS = {"corpus": ("drafts", "expected.yaml"), "held-out": ("heldout", "heldout.yaml"),
        "blind-2": ("blind2", "blind2.yaml"), "kinds": ("kinds", "kinds.yaml")}
KIND_SCORED = {"kinds"}  # sets whose 文种 (and 令号) the import must set too


def expectations(which: str = "corpus") -> dict[str, dict]:
    return yaml.safe_load((HERE / SETS[which][1]).read_text(encoding="utf-8"))["drafts"]


def judge(name: str, want: dict, drafts, kinds: bool = False) -> list[str]:
    """What is wrong with the import of one draft ([] when it reads as a person reads it)."""
    wrong = []
    first = drafts[0]
    titles = {_norm(want["title"])}
    if want.get("organ"):
        titles.add(_norm(want["organ"] + want["title"]))
    if _norm(first.title) not in titles:
        wrong.append(f"title {first.title!r}, want {want['title']!r}")
    got = first.headings()
    need = {int(k): v for k, v in want["headings"].items()}
    if got != need:
        wrong.append(f"headings {got}, want {need}")
    if kinds and first.kind != want["kind"]:
        wrong.append(f"kind {first.kind!r}, want {want['kind']!r}")
    if kinds and want.get("order_number") and first.order_number != want["order_number"]:
        wrong.append(f"order_number {first.order_number!r}, want {want['order_number']!r}")
    if want.get("documents") and len(drafts) != want["documents"]:
        wrong.append(f"{len(drafts)} documents, want {want['documents']}")
    return wrong


def score(which: str = "corpus") -> tuple[int, int, dict[str, list[str]]]:
    from pipeline.readers.importer import import_draft

    results: dict[str, list[str]] = {}
    folder = HERE / SETS[which][0]
    for name, want in expectations(which).items():
        try:
            drafts = import_draft(folder / name)
        except Exception as exc:  # a crash is a miss, and the score says so
            results[name] = [f"import failed: {type(exc).__name__}: {exc}"]
            continue
        results[name] = judge(name, want, drafts, which in KIND_SCORED)
    good = sum(1 for wrong in results.values() if not wrong)
    return good, len(results), results


def main(argv: list[str]) -> int:
    import pipeline

    verbose = "-v" in argv
    for which in SETS:
        start = time.perf_counter()
        good, total, results = score(which)
        for name, wrong in results.items():
            mark = "ok  " if not wrong else "MISS"
            print(f"{mark} {name}" + ("" if not wrong or not verbose else "\n       " +
                                      "\n       ".join(wrong)))
        print(f"{which} score: {good}/{total} drafts read right (pipeline from "
              f"{Path(pipeline.__file__).parent}, {time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
