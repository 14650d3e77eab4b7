"""What one running workbench is told: where it listens, keeps its files and finds its users."""
from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import GongwenError

ROOT = Path(__file__).resolve().parent.parent.parent


class ServeError(GongwenError):
    """The server cannot start as told (an open address without users, a bad users file)."""


def is_local(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class Settings:
    host: str = "127.0.0.1"
    port: int = 8700
    data: Path = Path("workbench")  # jobs/, plans/ and the session key live here
    db: str | None = None  # the register (default: $GONGWEN_DB, else sqlite:///register.db)
    users: Path | None = None  # name:scrypt-hash lines; required on a non-local address
    proxy_header: str | None = None  # or: a reverse proxy that logs users in sets this header
    proxy_from: tuple[str, ...] = ("127.0.0.1", "::1")  # … and only these may set it
    seals: Path = ROOT / "inputs" / "seals"  # the office's seal library
    certificate_plans: Path = ROOT / "inputs" / "certificates"  # certificate designs on offer
    max_upload_mb: float = 20.0
    job_hours: float = 24.0  # job folders older than this are removed
    workers: int = 2  # processes for previews, imports and checks
    cert_workers: int | None = None  # processes one certificate job uses (default: cores)
    fonts: dict[str, str] = field(default_factory=dict)  # role → family overrides
    https: bool = False  # behind a TLS proxy: the session cookie is sent over HTTPS only

    @property
    def needs_login(self) -> bool:
        return bool(self.users or self.proxy_header)

    def validate(self) -> "Settings":
        if not is_local(self.host) and not self.needs_login:
            raise ServeError(f"listening on {self.host} lets anyone on the network in: give "
                             "--users FILE (see --add-user) or --proxy-header NAME, or bind "
                             "127.0.0.1")
        if self.users and not Path(self.users).is_file():
            raise ServeError(f"users file '{self.users}' does not exist; create it with "
                             f"gongwen serve --users {self.users} --add-user NAME")
        if self.max_upload_mb <= 0 or self.job_hours <= 0 or self.workers < 1:
            raise ServeError("--max-upload-mb, --job-hours and --workers must be positive")
        self.data = Path(self.data).resolve()
        for sub in ("jobs", "plans"):
            (self.data / sub).mkdir(parents=True, exist_ok=True)
        return self

    @property
    def max_upload(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    def session_key(self) -> str:
        """Kept in the data folder so a restart does not log everyone out."""
        path = self.data / "session.key"
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(os.urandom(32).hex())
        return path.read_text().strip()
