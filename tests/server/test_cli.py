"""The ``madoguchi`` command as an operator uses it: real processes, a real SQLite file."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def madoguchi(data_dir: Path, *args: str, input_text: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATA_DIR": str(data_dir), "DATABASE_URL": "", "SECRET_KEY": ""}
    return subprocess.run([sys.executable, "-m", "server", *args], cwd=ROOT, env=env, text=True,
                          capture_output=True, input=input_text, timeout=120)  # fmt: skip


@pytest.mark.parametrize("command", ["serve", "migrate", "create-user", "seed-demo", "backup", "okuyami"])
def test_every_command_explains_itself(tmp_path: Path, command: str) -> None:
    result = madoguchi(tmp_path, command, "--help")
    assert result.returncode == 0 and "usage: madoguchi" in result.stdout


def test_seed_demo_prints_one_login_per_role_and_backup_copies_while_in_use(tmp_path: Path) -> None:
    seeded = madoguchi(tmp_path, "seed-demo", "--password", "the-demo-password")
    assert seeded.returncode == 0, seeded.stderr
    for login, role in [("demo-staff", "staff"), ("demo-okuyami", "okuyami"), ("demo-chief", "chief"),
                        ("demo-manager", "manager"), ("demo-admin", "admin")]:  # fmt: skip
        assert any(login in line and "the-demo-password" in line and role in line
                   for line in seeded.stdout.splitlines()), seeded.stdout  # fmt: skip
    random_seed = madoguchi(tmp_path, "seed-demo")
    passwords = {line.split()[1] for line in random_seed.stdout.splitlines() if line.startswith("  demo-")}
    assert len(passwords) == 5 and "the-demo-password" not in passwords

    database = tmp_path / "madoguchi.sqlite3"
    # A writer holds an open transaction, as the running server would.
    writer = sqlite3.connect(database)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO audit_event (action, detail, at, login, target_type, target_id, ip) "
                   "VALUES ('uncommitted', '{}', '2026-01-01', '', '', '', '')")  # fmt: skip
    target = tmp_path / "copy.sqlite3"
    backup = madoguchi(tmp_path, "backup", "--output", str(target))
    writer.rollback()
    writer.close()
    assert backup.returncode == 0, backup.stderr
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT count(*) FROM app_user WHERE login LIKE 'demo-%'").fetchone()[0] == 5
        assert copy.execute("SELECT count(*) FROM audit_event WHERE action='uncommitted'").fetchone()[0] == 0


def test_create_user_refuses_bad_input_with_exit_code_2(tmp_path: Path) -> None:
    assert madoguchi(tmp_path, "migrate").returncode == 0
    staff = ("--role", "staff", "--section", "kumin")
    pw = "long-enough-pw"
    bad = madoguchi(tmp_path, "create-user", "Bad Name", "--name", "x", *staff, "--password", pw)
    assert bad.returncode == 2 and "no section" in bad.stderr
    madoguchi(tmp_path, "seed-demo", "--password", "p" * 12)
    short = madoguchi(tmp_path, "create-user", "tanaka", "--name", "田中", *staff, "--password", "short")
    assert short.returncode == 2 and "password" in short.stderr
    good = madoguchi(tmp_path, "create-user", "tanaka", "--name", "田中", *staff, "--password", pw)
    assert good.returncode == 0, good.stderr


def test_a_bad_setting_is_reported_not_a_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "DATA_DIR": str(tmp_path), "PORT": "eighty"}
    result = subprocess.run([sys.executable, "-m", "server", "migrate"], cwd=ROOT, env=env, text=True,
                            capture_output=True, timeout=60)  # fmt: skip
    assert result.returncode == 2
    assert "PORT must be a whole number" in result.stderr and "Traceback" not in result.stderr


def test_backup_prunes_its_own_copies_older_than_keep_days(tmp_path: Path) -> None:
    """Backups older than the retention period would keep purged personal data: the command rotates them."""
    assert madoguchi(tmp_path, "migrate").returncode == 0
    folder = tmp_path / "backups"
    folder.mkdir()
    old = folder / "madoguchi-20200101T000000Z.sqlite3"
    recent = folder / f"madoguchi-{(datetime.now(UTC) - timedelta(days=2)):%Y%m%dT%H%M%SZ}.sqlite3"
    unrelated = folder / "keep-me.sqlite3"
    for path in (old, recent, unrelated):
        path.write_bytes(b"x")
    result = madoguchi(tmp_path, "backup", "--keep-days", "30")
    assert result.returncode == 0, result.stderr
    assert not old.exists() and recent.exists() and unrelated.exists()
    assert len(list(folder.glob("madoguchi-*.sqlite3"))) == 2  # the recent one and the new one
    assert "Removed 1 backup" in result.stdout
