"""The document-number register, on SQLite and on a real PostgreSQL (every test runs on both).

PostgreSQL is the local server the README's setup command starts; GONGWEN_TEST_PG names
another one.
"""
from __future__ import annotations

import csv
import multiprocessing
import os
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT
from pipeline.cli import main
from pipeline.register.registry import Register, RegisterError

PG_URL = os.environ.get("GONGWEN_TEST_PG", "postgresql:///gongwen_test")


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path) -> str:
    """An empty register; its URL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'register.db'}"
    import psycopg

    try:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute("DROP TABLE IF EXISTS numbers, events")
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL at {PG_URL} is not running; run the README's setup command "
                    f"({exc})")
    return PG_URL


def test_next_shows_the_number_and_allocates_nothing(db):
    with Register(db) as reg:
        assert reg.peek("五委发", 2026) == "五委发〔2026〕1号"
        assert reg.peek("五委发", 2026) == "五委发〔2026〕1号"
        assert reg.entries() == []


def test_a_key_keeps_its_number(db):
    with Register(db) as reg:
        first, new = reg.allocate("五委发", "2026-党建意见", 2026, title="关于…的意见")
        again, again_new = reg.allocate("五委发", "2026-党建意见", 2026)
        other, _ = reg.allocate("五委发", "2026-春耕通知", 2026)
    assert (first.number, new) == ("五委发〔2026〕1号", True)
    assert (again.number, again_new) == (first.number, False)
    assert other.number == "五委发〔2026〕2号"


def test_sequences_start_at_1_each_year_and_per_code(db):
    with Register(db) as reg:
        reg.allocate("五委发", "a", 2026)
        reg.allocate("五委发", "b", 2026)
        assert reg.allocate("五委发", "c", 2027)[0].number == "五委发〔2027〕1号"
        assert reg.allocate("五委办", "d", 2026)[0].number == "五委办〔2026〕1号"
        assert reg.peek("五委发", 2026) == "五委发〔2026〕3号"


def test_voided_number_is_never_reused(db):
    with Register(db) as reg:
        reg.allocate("五委发", "a", 2026)
        reg.allocate("五委发", "b", 2026)
        voided = reg.void("五委发〔2026〕2号", "文件撤回", by="张三")
        assert (voided.status, voided.void_reason, voided.voided_by) == ("void", "文件撤回", "张三")
        assert reg.peek("五委发", 2026) == "五委发〔2026〕3号"
        # the voided document's key gets a fresh number, not the void one
        assert reg.allocate("五委发", "b", 2026)[0].number == "五委发〔2026〕3号"
        with pytest.raises(RegisterError, match="already void"):
            reg.void("五委发〔2026〕2号", "again")
        with pytest.raises(RegisterError, match="not in the register"):
            reg.void("五委发〔2026〕9号", "no such")
        with pytest.raises(RegisterError, match="why"):
            reg.void("五委发〔2026〕1号", " ")
        actions = [e[1] for e in reg.events()]
    assert actions == ["issued", "issued", "voided", "issued"]


@pytest.mark.parametrize("code", ["五委[发", "五委发〔", "第五委", "五委 发", "", "2026委"])
def test_malformed_codes_are_rejected(db, code):
    with Register(db) as reg, pytest.raises(RegisterError, match="not an organ code"):
        reg.peek(code, 2026)


@pytest.mark.parametrize("number, says", [
    ("五委发[2026]7号", "hexagonal brackets"), ("五委发〔2026〕第7号", "no 第"),
    ("五委发〔2026〕07号", "leading zeros"), ("五委发〔26〕7号", "year in full")])
def test_malformed_numbers_are_rejected(db, number, says):
    with Register(db) as reg, pytest.raises(RegisterError, match=says):
        reg.void(number, "x")


def test_allocate_many_binds_a_roster_in_one_transaction(db):
    """A roster's keys, read from a generator: new keys get consecutive numbers after the
    ones issued, a key already bound (or twice in the roster) keeps its number, and each new
    number has its event with the key and title."""
    with Register(db) as reg:
        reg.allocate("青党证", "cert:x#早", 2026, title="早")
        made = []

        def keys():
            for name in ("甲", "乙", "早", "丙", "乙"):
                made.append(name)
                yield f"cert:x#{name}", name

        got = reg.allocate_many("青党证", keys(), 2026, by="clerk")
        assert got == [(2026, 2), (2026, 3), (2026, 1), (2026, 4), (2026, 3)]
        assert made == ["甲", "乙", "早", "丙", "乙"]
        assert reg.allocate_many("青党证", iter([("cert:x#丙", "丙")]), 2027) == [(2026, 4)]
        numbers = {e.number: e for e in reg.entries()}
        assert sorted(numbers) == [f"青党证〔2026〕{n}号" for n in (1, 2, 3, 4)]
        assert numbers["青党证〔2026〕3号"].doc_key == "cert:x#乙"
        assert numbers["青党证〔2026〕3号"].issued_by == "clerk"
        events = {e[0]: e for e in reg.events() if e[1] == "issued"}
        assert events["青党证〔2026〕4号"][2] == "clerk"
        assert events["青党证〔2026〕4号"][4] == "key=cert:x#丙 丙"
        assert len(events) == 4


def _allocate_many(url: str, worker: int, count: int, queue) -> None:
    with Register(url) as reg:
        queue.put([reg.allocate("并发", f"w{worker}-{i}", 2026)[0].seq for i in range(count)])


def test_concurrent_allocations_are_distinct_and_consecutive(db):
    """8 processes × 100 allocations at once → exactly 1..800."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    Register(db).close()  # schema in place before the race
    workers = [ctx.Process(target=_allocate_many, args=(db, w, 100, queue)) for w in range(8)]
    for w in workers:
        w.start()
    seqs = [s for _ in workers for s in queue.get(timeout=300)]
    for w in workers:
        w.join(timeout=60)
        assert w.exitcode == 0
    assert sorted(seqs) == list(range(1, 801))
    with Register(db) as reg:
        assert len({e.number for e in reg.entries()}) == 800


def _book(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([["序号", "发文字号", "标题", "文档键", "状态"], *rows])
    return path


def test_import_continues_the_register(db, tmp_path):
    from pipeline.register.book import import_book

    book = _book(tmp_path / "old.csv", [["1", "五委发〔2026〕1号", "甲", "k1", "已发"],
                                        ["2", "五委发〔2026〕2号", "乙", "", "作废"],
                                        ["3", "五委发〔2026〕5号", "丙", "k5", "已发"]])
    with Register(db) as reg:
        assert len(import_book(reg, book)) == 3
        assert reg.peek("五委发", 2026) == "五委发〔2026〕6号"
        assert reg.allocate("五委发", "k1", 2026)[0].number == "五委发〔2026〕1号"


def test_import_conflicts_reported_row_by_row_nothing_imported(db, tmp_path):
    from pipeline.register.book import import_book

    with Register(db) as reg:
        reg.allocate("五委发", "k1", 2026)
        book = _book(tmp_path / "old.xlsx.csv", [
            ["1", "五委发〔2026〕1号", "甲", "x", "已发"],  # already in the register
            ["2", "五委发〔2026〕3号", "乙", "y", "已发"],
            ["3", "五委发〔2026〕3号", "丙", "z", "已发"],  # twice in the file
            ["4", "五委发〔2026〕04号", "丁", "w", "已发"],  # leading zero
            ["5", "五委发〔2026〕8号", "戊", "k1", "已发"],  # key already bound
            ["6", "五委发〔2026〕9号", "己", "v", "待定"]])  # unknown status
        with pytest.raises(RegisterError) as info:
            import_book(reg, book)
        message = str(info.value)
        for row, says in ((2, "already in the register"), (4, "also on row 3"),
                          (5, "leading zeros"), (6, "already bound"), (7, "已发 or 作废")):
            assert f"row {row}," in message and says in message
        assert "nothing was imported" in message
        assert [e.number for e in reg.entries()] == ["五委发〔2026〕1号"]


def test_export_is_a_register_book_with_formulas_neutralised(db, tmp_path, capsys):
    with Register(db) as reg:
        reg.allocate("五委发", "k", 2026, title="=HYPERLINK(\"http://x\")", by="李四")
    assert main(["number", "list", "--db", db, "--format", "csv", "-o",
                 str(tmp_path / "book.csv")]) == 0
    rows = list(csv.reader(open(tmp_path / "book.csv", encoding="utf-8-sig")))
    assert rows[0][:6] == ["序号", "发文字号", "标题", "文档键", "文件", "状态"]
    assert rows[1][1] == "五委发〔2026〕1号" and rows[1][2].startswith("'=")
    assert rows[1][5] == "已发" and rows[1][6] == "李四"
    assert main(["number", "list", "--db", db, "--format", "xlsx", "-o",
                 str(tmp_path / "book.xlsx")]) == 0
    assert "xl/worksheets/sheet1.xml" in zipfile.ZipFile(tmp_path / "book.xlsx").namelist()
    # and the export imports back into an empty register
    from pipeline.register.book import import_book

    empty = f"sqlite:///{tmp_path / 'again.db'}"
    with Register(empty) as again:
        import_book(again, tmp_path / "book.xlsx")
        assert again.entries()[0].number == "五委发〔2026〕1号"


AUTO_PLAN = """\
id: 2026-春耕通知
organ: 青山镇人民政府
number: auto
number_code: 青政发
title: 青山镇人民政府关于做好春耕生产工作的通知
to: 各村民委员会
body: |
  请各村认真落实。
signature:
  date: 2026-03-20
"""


def _docx_text(path: Path) -> str:
    return zipfile.ZipFile(path).read("word/document.xml").decode()


def test_rebuild_keeps_the_number(db, tmp_path, capsys):
    plan = tmp_path / "notice.yaml"
    plan.write_text(AUTO_PLAN, encoding="utf-8")
    out = tmp_path / "out"
    with Register(db) as reg:
        reg.allocate("青政发", "earlier", 2026)
    for _ in range(2):
        assert main(["build", str(plan), "-o", str(out), "--format", "docx", "--db", db]) == 0
        assert "青政发〔2026〕2号" in _docx_text(out / "notice.docx")
    err = capsys.readouterr().err
    assert "allocated" in err and "kept" in err
    with Register(db) as reg:
        (entry,) = [e for e in reg.entries() if e.doc_key == "2026-春耕通知"]
    assert entry.title == "青山镇人民政府关于做好春耕生产工作的通知"
    assert entry.file.endswith("notice")


def test_auto_number_needs_a_code(tmp_path, capsys):
    plan = tmp_path / "notice.yaml"
    plan.write_text(AUTO_PLAN.replace("number_code: 青政发\n", ""), encoding="utf-8")
    assert main(["build", str(plan), "-o", str(tmp_path / "out")]) == 1
    assert "number_code" in capsys.readouterr().err


def _villages(tmp_path: Path, count: int) -> tuple[Path, Path]:
    plan = tmp_path / "village.yaml"
    plan.write_text((ROOT / "inputs" / "batch" / "village-notice.yaml").read_text("utf-8"),
                    encoding="utf-8")
    rows = tmp_path / "villages.csv"
    with open(rows, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["村名", "林地面积", "扑火队人数", "完成时限", "联系人"])
        for i in range(count):
            out.writerow([f"第{i + 1}村", 1000 + i, 10, "2026年11月10日", f"联系人{i + 1}"])
    return plan, rows


def _manifest(out: Path) -> list[dict]:
    return list(csv.DictReader(open(out / "village-manifest.csv", encoding="utf-8-sig")))


def test_batch_gives_consecutive_numbers_and_rebuilds_only_changes(db, tmp_path, capsys):
    plan, rows = _villages(tmp_path, 4)
    out = tmp_path / "out"
    args = ["batch", str(plan), "--rows", str(rows), "-o", str(out), "--format", "docx",
            "--db", db]
    assert main(args) == 0
    first = _manifest(out)
    assert [r["发文字号"] for r in first] == [f"青政发〔2026〕{n}号" for n in (1, 2, 3, 4)]
    assert [r["行号"] for r in first] == ["2", "3", "4", "5"]
    assert "第3村村民委员会" in _docx_text(out / "village-第3村.docx")
    assert "4 built" in capsys.readouterr().out
    assert main(args) == 0
    assert "0 built, 4 unchanged" in capsys.readouterr().out
    text = rows.read_text("utf-8").replace("1002,", "9999,")
    rows.write_text(text, encoding="utf-8")
    assert main(args) == 0
    assert "1 built, 3 unchanged" in capsys.readouterr().out
    assert [r["发文字号"] for r in _manifest(out)] == [r["发文字号"] for r in first]
    assert "9999" in _docx_text(out / "village-第3村.docx")


def test_batch_rows_with_problems_stop_before_anything(db, tmp_path, capsys):
    plan, rows = _villages(tmp_path, 3)
    rows.write_text(rows.read_text("utf-8") + "第1村,1,1,2026年11月10日,某\n,2,2,x,y\n",
                    encoding="utf-8")
    out = tmp_path / "out"
    assert main(["batch", str(plan), "--rows", str(rows), "-o", str(out), "--db", db]) == 1
    err = capsys.readouterr().err
    assert "row 5, 村名: '第1村' also on row 2" in err and "row 6, 村名: empty" in err
    assert not out.exists()
    with Register(db) as reg:
        assert reg.entries() == []


def test_batch_killed_then_rerun_issues_each_number_once(db, tmp_path):
    plan, rows = _villages(tmp_path, 40)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "pipeline", "batch", str(plan), "--rows", str(rows), "-o",
           str(out), "--format", "docx", "--db", db]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline:
        if (out / "village-manifest.csv").exists() and len(_manifest(out)) >= 5:
            break
        time.sleep(0.02)
    proc.kill()  # SIGKILL: no cleanup handlers run
    proc.wait()
    partial = len(_manifest(out))
    assert 5 <= partial < 40, "the kill landed mid-batch"
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
    manifest = _manifest(out)
    assert len(manifest) == 40
    numbers = [r["发文字号"] for r in manifest]
    assert numbers == [f"青政发〔2026〕{n}号" for n in range(1, 41)]
    with Register(db) as reg:
        issued = [e for e in reg.entries() if e.code == "青政发"]
    assert sorted(e.seq for e in issued) == list(range(1, 41)), "no number issued twice"
    assert len({e.doc_key for e in issued}) == 40, "every row bound once"
    assert sorted(p.name for p in out.glob("*.docx")) == sorted(
        f"village-第{i}村.docx" for i in range(1, 41))
    assert not list(out.glob(".*")), "no temporary files left"


def test_damaged_register_gives_a_clear_message(tmp_path, capsys):
    bad = tmp_path / "register.db"
    bad.write_bytes(b"this is not a database, just text " * 100)
    assert main(["number", "next", "五委发", "--db", f"sqlite:///{bad}"]) == 1
    err = capsys.readouterr().err
    assert "damaged" in err and str(bad) in err and "Traceback" not in err


def test_locked_register_waits_then_explains(tmp_path, monkeypatch, capsys):
    path = tmp_path / "register.db"
    Register(f"sqlite:///{path}").close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    monkeypatch.setenv("GONGWEN_DB_TIMEOUT", "0.5")
    try:
        assert main(["number", "allocate", "五委发", "--key", "k", "--db",
                     f"sqlite:///{path}"]) == 1
    finally:
        holder.execute("ROLLBACK")
    assert "locked" in capsys.readouterr().err


def test_unreachable_postgresql_is_a_clear_message(capsys):
    assert main(["number", "next", "五委发", "--db",
                 "postgresql://nobody@127.0.0.1:1/none"]) == 1
    err = capsys.readouterr().err
    assert "cannot reach the register" in err and "Traceback" not in err


def test_batch_reads_xlsx_rows_from_a_named_sheet(tmp_path, capsys):
    import pandas as pd

    plan, rows = _villages(tmp_path, 2)
    book = tmp_path / "villages.xlsx"
    with pd.ExcelWriter(book) as writer:
        pd.DataFrame({"说明": ["另一张表"]}).to_excel(writer, sheet_name="说明", index=False)
        pd.read_csv(rows, dtype=str).to_excel(writer, sheet_name="村", index=False)
    out = tmp_path / "out"
    assert main(["batch", str(plan), "--rows", str(book), "--sheet", "村", "-o", str(out),
                 "--format", "docx", "--db", f"sqlite:///{tmp_path / 'r.db'}"]) == 0
    assert [r["键"] for r in _manifest(out)] == ["第1村", "第2村"]
