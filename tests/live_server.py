"""A real ``madoguchi serve`` process on a free port with its own data directory, for end-to-end tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.pg_cluster import free_port

ROOT = Path(__file__).resolve().parents[1]
DEMO_PASSWORD = "e2e-demo-password"


@dataclass
class LiveServer:
    """One ``madoguchi serve`` process with its own data directory and SQLite database."""

    data_dir: Path
    port: int
    release: str = ""
    process: subprocess.Popen[bytes] | None = None
    database_url: str = ""  # empty: a SQLite file in the data directory
    extra_env: dict[str, str] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        database = self.database_url or f"sqlite://{self.data_dir / 'e2e.sqlite3'}"
        return {**os.environ, "DATA_DIR": str(self.data_dir), "RELEASE": self.release,
                "DATABASE_URL": database, "SECRET_KEY": "e2e-" + "s" * 40,
                **(self.extra_env or {})}  # fmt: skip

    def madoguchi(self, *args: str) -> None:
        subprocess.run([sys.executable, "-m", "server", *args], cwd=ROOT, env=self.env(), check=True,
                       capture_output=True)  # fmt: skip

    def start(self) -> LiveServer:
        log = (self.data_dir / "server.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "server", "serve", "--port", str(self.port), "--no-migrate",
             "--log-level", "warning"], cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError((self.data_dir / "server.log").read_text())
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return self
            time.sleep(0.1)
        raise RuntimeError("the server did not start listening")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def prepared_server(release: str = "") -> LiveServer:
    server = LiveServer(data_dir=Path(tempfile.mkdtemp(prefix="madoguchi-e2e-")), port=free_port(),
                        release=release)  # fmt: skip
    server.madoguchi("migrate")
    server.madoguchi("seed-demo", "--password", DEMO_PASSWORD)
    return server
