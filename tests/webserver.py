"""A real `gongwen serve` for the web tests: started on a free port in a subprocess, with its
own data folder and register, stopped (by its own process id) when the test is done."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, tmp: Path, *args: str, env: dict | None = None):
        self.port = free_port()
        self.data = tmp / "data"
        self.db = f"sqlite:///{tmp / 'register.db'}"
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tmp / "server.log"
        full_env = {**os.environ, "PYTHONPATH": str(ROOT), "GONGWEN_DB": self.db, **(env or {})}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "serve", "--port", str(self.port), "--data",
             str(self.data), *args], cwd=tmp, env=full_env, stdout=open(self.log, "w"),
            stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()}")
            try:
                requests.get(self.url + "/static/workbench.css", timeout=2)
                return
            except requests.ConnectionError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"server did not answer in 90 s: {self.log.read_text()}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
