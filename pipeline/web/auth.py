"""Users and their passwords (scrypt, from the standard library), logins and CSRF tokens.

The users file holds one `name:scrypt$n$r$p$salt$hash` line per clerk; `#` starts a comment.
It is read on every login, so adding a user needs no restart.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import threading
import time
from pathlib import Path

from pipeline.web.config import ServeError
from pipeline.writers.atomic import atomic_path

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1  # about 50 ms and 16 MB a check: slow to guess
NAME = re.compile(r"^[^\s:#]{1,64}$")


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                            dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        got = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r),
                             p=int(p), dklen=len(digest) // 2, maxmem=2 ** 26)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), digest)


def read_users(path: Path) -> dict[str, str]:
    users = {}
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, stored = line.partition(":")
        if not sep or not NAME.match(name) or not stored.startswith("scrypt$"):
            raise ServeError("not a 'name:scrypt$…' line", file=path, line=number)
        users[name] = stored
    return users


def add_user(path: Path, name: str, password: str) -> None:
    if not NAME.match(name):
        raise ServeError(f"'{name}' cannot be a user name: 1-64 characters, no spaces, : or #")
    if len(password) < 8:
        raise ServeError("the password needs at least 8 characters")
    path = Path(path)
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else [
        "# gongwen serve users: name:scrypt hash (gongwen serve --users FILE --add-user NAME)"]
    lines = [l for l in lines if l.partition(":")[0] != name]
    lines.append(f"{name}:{hash_password(password)}")
    with atomic_path(path) as tmp:
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
        os.chmod(tmp, 0o600)


def check_login(path: Path, name: str, password: str) -> bool:
    stored = read_users(path).get(name)
    if stored is None:
        verify_password(password, hash_password("x" * 8))  # same time for a wrong name
        return False
    return verify_password(password, stored)


def csrf_token(session: dict) -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return session["csrf"]


def csrf_ok(session: dict, token: str | None) -> bool:
    expected = session.get("csrf")
    return bool(expected and token) and hmac.compare_digest(str(expected), str(token))


class Throttle:
    """Logins for a name refused for a while after repeated failures: scrypt makes one guess
    slow, this makes many impossible."""

    def __init__(self, failures: int = 5, window_s: float = 600.0):
        self.failures, self.window_s = failures, window_s
        self._seen: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, name: str) -> list[float]:
        now = time.monotonic()
        times = [t for t in self._seen.get(name, []) if now - t < self.window_s]
        self._seen[name] = times
        return times

    def blocked(self, name: str) -> bool:
        with self._lock:
            return len(self._recent(name)) >= self.failures

    def failed(self, name: str) -> None:
        with self._lock:
            self._recent(name).append(time.monotonic())
            if len(self._seen) > 10_000:  # bounded: forget the oldest names
                for old in list(self._seen)[:5_000]:
                    del self._seen[old]

    def clear(self, name: str) -> None:
        with self._lock:
            self._seen.pop(name, None)
