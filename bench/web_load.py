"""Load on the workbench: 20 concurrent preview requests while one 2,000-row certificate job
runs, against a real `gongwen serve` on this machine (127.0.0.1 only, a bounded number of
requests). Prints whether every request was answered and nothing lost, and the preview time
under load against the baseline measured in the same run (the same preview, alone, warm).

    python3 bench/web_load.py [--rows 2000] [--previews 20]
"""
from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pymupdf
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from webserver import Server, csrf_of  # noqa: E402

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
            "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文辉宇鹏海波斌"
FORM = {"kind": "通知", "organ": "青山镇人民政府", "number_mode": "none",
        "title": "青山镇人民政府关于做好2026年春耕生产工作的通知", "to": "各村（居）委会：",
        "body": "为切实做好今年春耕生产工作，现就有关事项通知如下。\n# 加强组织领导\n"
                "各村要成立春耕生产工作专班，明确责任人。\n## 落实责任\n镇农业服务中心要做好技术指导。\n"
                "# 保障农资供应\n各单位要加强农资市场监管，严厉打击坑农害农行为。",
        "date": "2026-03-02", "mark_suffix": "文件", "id": "bench-preview"}


def roster(path: Path, rows: int) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["名字", "所在单位", "荣誉称号"])
        for i in range(rows):
            # surname × given name: distinct for the first len(SURNAMES) * len(GIVEN) rows
            name = SURNAMES[i % len(SURNAMES)] + GIVEN[i // len(SURNAMES) % len(GIVEN)]
            out.writerow([name, f"第{i // 50 + 1}党支部", "优秀共产党员"])
    return path


def preview(url: str, session: requests.Session, token: str) -> tuple[float, int, int]:
    """(seconds, HTTP status, page images answered)"""
    start = time.perf_counter()
    r = session.post(url + "/document/preview", data={**FORM, "csrf_token": token},
                     headers={"X-Fragment": "1"}, timeout=600)
    pages = r.text.count('class="page"')
    return time.perf_counter() - start, r.status_code, pages


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=2000)
    ap.add_argument("--previews", type=int, default=20)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="gongwen-webload-"))
    server = Server(tmp, "--workers", "2")
    try:
        s = requests.Session()
        token = csrf_of(s.get(server.url + "/document").text)
        preview(server.url, s, token)  # warm
        alone = [preview(server.url, s, token)[0] for _ in range(3)]
        baseline = statistics.median(alone)

        # baseline for the job: the same roster through the command line, nothing else running
        path = roster(tmp / "roster.csv", args.rows)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pipeline", "certificates",
                        str(ROOT / "inputs/certificates/certificates.yaml"), "--roster", str(path),
                        "--format", "pdf", "-o", str(tmp / "cli"), "--db",
                        f"sqlite:///{tmp / 'cli.db'}"], check=True, capture_output=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
        cli_s = time.perf_counter() - t0

        # the certificate job: upload, validate, generate
        t0 = time.perf_counter()
        r = s.post(server.url + "/certificates/check",
                   data={"csrf_token": token, "plan": "certificates.yaml", "formats": "pdf"},
                   files={"roster": (path.name, path.read_bytes(), "text/csv")}, timeout=600)
        job = r.text.split('action="/certificates/')[1].split("/")[0]
        checked = time.perf_counter() - t0
        s.post(f"{server.url}/certificates/{job}/generate", data={"csrf_token": token},
               timeout=60)
        t_job = time.perf_counter()

        # 20 previews at once while the job runs
        with ThreadPoolExecutor(args.previews) as pool:
            futures = [pool.submit(preview, server.url, s, token) for _ in range(args.previews)]
            polls, percents = 0, []
            while True:
                status = s.get(f"{server.url}/jobs/{job}/status", timeout=60).json()
                polls += 1
                percents.append(status.get("percent", 0))
                if status.get("state") in ("done", "failed"):
                    break
                time.sleep(0.5)
            job_s = time.perf_counter() - t_job
            results = [f.result() for f in futures]
        merged = s.get(f"{server.url}/jobs/{job}/files/merged.pdf", timeout=120)
        pages = pymupdf.open(stream=merged.content, filetype="pdf").page_count \
            if merged.ok else 0
        times = sorted(t for t, _code, _n in results)
        ok = [r for r in results if r[1] == 200 and r[2] >= 1]
        print(f"previews under load: {len(ok)}/{len(results)} answered with pages "
              f"(statuses {sorted({r[1] for r in results})}); min {times[0]:.2f} s, median "
              f"{statistics.median(times):.2f} s, max {times[-1]:.2f} s")
        print(f"baseline, one preview alone (warm, median of 3): {baseline:.2f} s; "
              f"median under load / alone = {statistics.median(times) / baseline:.1f}x; "
              f"all 20 done in {times[-1]:.1f} s = {times[-1] / baseline:.1f}x one alone")
        print(f"certificate job: {args.rows} rows validated in {checked:.1f} s, generated in "
              f"{job_s:.1f} s ({args.rows / job_s:.0f} rows/s with the previews running); "
              f"state {status.get('state')}, {status.get('percent')} %, merged PDF "
              f"{pages} pages; {polls} status polls, progress rose monotonically: "
              f"{percents == sorted(percents)}")
        print(f"baseline, the same roster by `gongwen certificates` alone: {cli_s:.1f} s; "
              f"web job with 20 previews beside it / command line alone = {job_s / cli_s:.2f}x")
        lost = len(results) - len(ok) + (pages != args.rows)
        print("nothing lost" if not lost else f"LOST: {lost}")
        return 1 if lost else 0
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
