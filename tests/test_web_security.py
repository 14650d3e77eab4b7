"""The workbench's guards, over HTTP against a started server: logins on an open address, CSRF
tokens, names from outside treated as text, downloads only from a job's own folder, upload
size limits, and the register recording who did it."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest
import requests

from pipeline.register.registry import Register
from pipeline.web.auth import check_login, hash_password, read_users, verify_password
from webserver import ROOT, Server, csrf_of

PASSWORD = "春耕-2026-secret"


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """A server on every address, as an office would run it, with a users file."""
    tmp = tmp_path_factory.mktemp("office")
    users = tmp / "users.txt"
    for name in ("zhang", "li", "wu"):
        subprocess.run([sys.executable, "-m", "pipeline", "serve", "--users", str(users),
                        "--add-user", name], input=PASSWORD + "\n", text=True, check=True,
                       cwd=ROOT, capture_output=True)
    srv = Server(tmp, "--host", "0.0.0.0", "--users", str(users), "--workers", "1",
                 "--max-upload-mb", "1")
    yield srv
    srv.stop()


def _login(server, name="zhang", password=PASSWORD) -> requests.Session:
    s = requests.Session()
    token = csrf_of(s.get(server.url + "/login").text)
    r = s.post(server.url + "/login", data={"name": name, "password": password,
                                            "csrf_token": token})
    assert r.status_code == 200 and r.url.endswith("/")
    return s


def test_passwords_are_salted_scrypt(tmp_path):
    a, b = hash_password(PASSWORD), hash_password(PASSWORD)
    assert a != b and a.startswith("scrypt$16384$8$1$")  # a new salt each time
    assert PASSWORD not in a
    assert verify_password(PASSWORD, a) and not verify_password(PASSWORD + "x", a)
    users = tmp_path / "users.txt"
    users.write_text(f"zhang:{a}\n", encoding="utf-8")
    assert check_login(users, "zhang", PASSWORD) and not check_login(users, "wang", PASSWORD)
    users.write_text("zhang:plaintext\n", encoding="utf-8")
    with pytest.raises(Exception, match=r"users.txt:1"):
        read_users(users)


def test_open_address_without_users_refuses_to_start(tmp_path):
    run = subprocess.run([sys.executable, "-m", "pipeline", "serve", "--host", "0.0.0.0",
                          "--port", "1", "--data", str(tmp_path / "d")], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 1
    assert "--users" in run.stderr and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


def test_unauthenticated_requests_refused(office):
    for path in ("/", "/document", "/register", "/certificates", "/register/export.csv"):
        r = requests.get(office.url + path, allow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login", path
    r = requests.post(office.url + "/register/allocate", data={"code": "青政", "title": "x"},
                      allow_redirects=False)
    assert r.status_code == 401
    bad = requests.Session()
    token = csrf_of(bad.get(office.url + "/login").text)
    r = bad.post(office.url + "/login", data={"name": "zhang", "password": "wrong-password",
                                              "csrf_token": token})
    assert r.status_code == 401 and "密码不对" in r.text
    assert bad.get(office.url + "/register", allow_redirects=False).status_code == 303
    with Register(office.db) as register:
        assert register.entries() == []


def test_csrf_token_required(office):
    s = _login(office)
    page = s.get(office.url + "/register").text
    token = csrf_of(page)
    form = {"code": "青政", "year": "2026", "title": "关于春耕的通知"}
    for sent in ({}, {"csrf_token": "forged"}, {"csrf_token": ""}):
        r = s.post(office.url + "/register/allocate", data={**form, **sent})
        assert r.status_code == 403 and "CSRF" in r.text
    # the token of another session does not do either
    other = _login(office, "li")
    r = other.post(office.url + "/register/allocate", data={**form, "csrf_token": token})
    assert r.status_code == 403
    with Register(office.db) as register:
        assert register.entries("青政") == []
    r = s.post(office.url + "/register/allocate", data={**form, "csrf_token": token})
    assert r.status_code == 200 and "青政〔2026〕1号" in r.text
    # the register records the logged-in user, not the server's account
    with Register(office.db) as register:
        entry = register.entries("青政")[0]
        events = register.events(entry.number)
    assert entry.issued_by == "zhang" and events[0][2] == "zhang"


def test_names_from_outside_are_text_and_downloads_stay_in_the_job(office):
    s = _login(office)
    token = csrf_of(s.get(office.url + "/check").text)
    evil = '../../<img src=x onerror=alert(1)>.pdf'
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    r = s.post(office.url + "/check", data={"csrf_token": token},
               files={"file": (evil, pdf, "application/pdf")})
    assert "<img src=x" not in r.text  # shown escaped, never as markup
    assert "&lt;img src=x onerror=alert(1)&gt;.pdf" in r.text
    jobs = office.data / "jobs"
    assert not list(office.data.parent.glob("*.pdf"))  # nothing written outside the job
    job = max(jobs.iterdir(), key=lambda p: p.stat().st_mtime)
    assert sorted(p.name for p in job.iterdir() if p.suffix == ".pdf") == ["document.pdf"]
    base = f"{office.url}/jobs/{job.name}/files/"
    assert s.get(base + "document.pdf").status_code == 200
    for name in ("job.json", "..%2Fjob.json", "..%2F..%2Fsession.key", "%2Fetc%2Fpasswd",
                 ".hidden", "%2E%2E", "document.pdf%00.png"):
        assert s.get(base + name).status_code == 404, name
    for path in (f"/jobs/{job.name}/../../session.key", "/jobs/..%2F..%2Fplans/files/x",
                 "/jobs/not-a-job/files/document.pdf"):
        assert s.get(office.url + path).status_code == 404, path
    # another clerk cannot fetch this job's files
    assert _login(office, "li").get(base + "document.pdf").status_code == 404
    # an upload whose content is not what its name says is refused
    r = s.post(office.url + "/check", data={"csrf_token": token},
               files={"file": ("report.docx", b"MZ\x90\x00 not a zip", "application/octet")})
    assert r.status_code == 400 and "不是 .docx 文件" in r.text


def test_oversized_upload_refused_with_a_message(office):
    s = _login(office)
    token = csrf_of(s.get(office.url + "/import").text)
    big = ("一" * 700_000).encode()  # 2.1 MB of text, the server takes 1 MB
    before = set((office.data / "jobs").iterdir())
    r = s.post(office.url + "/import", data={"csrf_token": token},
               files={"file": ("draft.txt", big, "text/plain")})
    assert r.status_code == 413
    assert "上限为 1 MB" in r.text
    assert set((office.data / "jobs").iterdir()) == before  # refused before any job began


def test_proxy_header_login(tmp_path):
    srv = Server(tmp_path, "--host", "0.0.0.0", "--proxy-header", "X-Remote-User",
                 "--workers", "1")
    try:
        assert requests.get(srv.url + "/register").status_code == 401
        s = requests.Session()
        s.headers["X-Remote-User"] = "wang"
        page = s.get(srv.url + "/register").text
        assert re.search(r'class="who">wang', page)
        r = s.post(srv.url + "/register/allocate", data={
            "code": "青办", "year": "2026", "title": "x", "csrf_token": csrf_of(page)})
        assert r.status_code == 200
        with Register(srv.db) as register:
            assert register.entries("青办")[0].issued_by == "wang"
    finally:
        srv.stop()


def test_repeated_wrong_passwords_lock_the_name(office):
    s = requests.Session()
    token = csrf_of(s.get(office.url + "/login").text)
    codes = [s.post(office.url + "/login", data={"name": "wu", "password": f"guess-{i}",
                                                 "csrf_token": token}).status_code
             for i in range(6)]
    assert codes == [401] * 5 + [429]
    r = s.post(office.url + "/login", data={"name": "wu", "password": PASSWORD,
                                            "csrf_token": token})
    assert r.status_code == 429  # even the right password, until the window has passed
    _login(office, "zhang")  # other names are not affected


def test_pages_carry_security_headers(office):
    r = requests.get(office.url + "/login")
    assert "script-src" not in r.headers["content-security-policy"]  # default-src 'self' rules
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie


def test_removed_user_is_logged_out(tmp_path):
    users = tmp_path / "users.txt"
    from pipeline.web.auth import add_user

    add_user(users, "zhao", PASSWORD)
    srv = Server(tmp_path, "--host", "0.0.0.0", "--users", str(users), "--workers", "1")
    try:
        s = _login(srv, "zhao")
        assert s.get(srv.url + "/register", allow_redirects=False).status_code == 200
        r = s.get(srv.url + "/no-such-page")
        assert r.status_code == 404 and "没有这个" not in r.text and "<!doctype html>" in r.text
        users.write_text("# nobody\n", encoding="utf-8")
        assert s.get(srv.url + "/register", allow_redirects=False).status_code == 303
    finally:
        srv.stop()


def test_form_placeholders_stay_in_the_sandbox(office):
    s = _login(office)
    token = csrf_of(s.get(office.url + "/document").text)
    for body in ("{{ ''.__class__.__mro__[1].__subclasses__() }}",
                 "{{ cycler.__init__.__globals__.os.popen('id').read() }}"):
        r = s.post(office.url + "/document/preview", headers={"X-Fragment": "1"}, data={
            "csrf_token": token, "organ": "青山镇人民政府", "title": "关于试验的通知", "body": body})
        assert r.status_code == 200
        assert "field &#39;body&#39;: a placeholder tried to reach something outside" in r.text
        assert "uid=" not in r.text and "<class" not in r.text


def test_register_export_and_import_by_the_logged_in_user(office):
    import csv
    import io

    import openpyxl

    s = _login(office)
    token = csrf_of(s.get(office.url + "/register").text)
    for title in ("关于甲的函", "关于乙的函"):
        s.post(office.url + "/register/allocate", data={"code": "青函", "year": "2026",
                                                        "title": title, "csrf_token": token})
    s.post(office.url + "/register/void", data={"number": "青函〔2026〕1号", "reason": "重复",
                                                "csrf_token": token})
    r = s.get(office.url + "/register/export.csv", params={"code": "青函", "status": "void"})
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [(x["发文字号"], x["作废原因"], x["作废人"]) for x in rows] == [
        ("青函〔2026〕1号", "重复", "zhang")]
    r = s.get(office.url + "/register/export.xlsx", params={"code": "青函"})
    sheet = openpyxl.load_workbook(io.BytesIO(r.content))["发文登记簿"]
    values = list(sheet.iter_rows(values_only=True))
    assert [v[1] for v in values[1:]] == ["青函〔2026〕1号", "青函〔2026〕2号"]
    # an existing book: all rows or none
    bad = "发文字号,标题\n青旧〔2025〕3号,关于丙的通知\n青旧〔2025〕3号,关于丁的通知\n"
    r = s.post(office.url + "/register/import", data={"csrf_token": token},
               files={"book": ("旧登记簿.csv", bad.encode(), "text/csv")})
    assert "旧登记簿.csv" in r.text and "row 3" in r.text
    with Register(office.db) as register:
        assert register.entries("青旧") == []
    good = bad.replace("青旧〔2025〕3号,关于丁", "青旧〔2025〕4号,关于丁")
    r = s.post(office.url + "/register/import", data={"csrf_token": token},
               files={"book": ("旧登记簿.csv", good.encode(), "text/csv")})
    assert "导入 2 个文号" in r.text
    with Register(office.db) as register:
        assert [e.number for e in register.entries("青旧")] == ["青旧〔2025〕3号", "青旧〔2025〕4号"]
        assert {ev[2] for ev in register.events("青旧〔2025〕4号")} == {"zhang"}
