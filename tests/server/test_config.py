from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from server.config import Settings, SettingsError

README = Path(__file__).resolve().parents[2] / "README.md"


def test_defaults_put_the_database_and_secret_under_the_data_dir(tmp_path: Path) -> None:
    settings = Settings.from_env({"DATA_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite://{tmp_path / 'madoguchi.sqlite3'}"
    assert settings.default_language == "ja"
    assert len(settings.secret_key) >= 40
    key_file = tmp_path / "secret_key"
    assert key_file.read_text() == settings.secret_key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    # The generated key is kept: a restart must not log everyone out or invalidate cursors.
    assert Settings.from_env({"DATA_DIR": str(tmp_path)}).secret_key == settings.secret_key


def test_values_are_read_from_the_environment(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "DATABASE_URL": "postgres://u:p@db:5432/madoguchi",
            "SECRET_KEY": "s" * 50,
            "HOST": "0.0.0.0",
            "PORT": "9000",
            "DEFAULT_LANGUAGE": "en",
            "DATA_DIR": str(tmp_path),
            "SECURE_COOKIES": "1",
            "SESSION_HOURS": "8",
            "LOGIN_MAX_FAILURES": "3",
            "LOGIN_LOCK_MINUTES": "30",
            "WARD_NAME": "中原区役所",
            "DEFAULT_WARD": "中原区",
            "OKUYAMI_PURGE_HOURS": "0",
            "RELEASE": "2026.11",
            "OKUYAMI_HOUSEHOLD_HEAD_MODE": "kawasaki_simple",
            "OKUYAMI_RETENTION_DAYS": "400",
            "OKUYAMI_SLOTS_PER_DAY": "6",
        }
    )
    assert (settings.okuyami_household_head_mode, settings.okuyami_retention_days) == ("kawasaki_simple", 400)
    assert settings.okuyami_slots_per_day == 6
    assert (settings.database_url, settings.port, settings.default_language) == (
        "postgres://u:p@db:5432/madoguchi",
        9000,
        "en",
    )
    assert settings.secure_cookies is True
    assert (settings.session_hours, settings.login_max_failures, settings.login_lock_minutes) == (8, 3, 30)
    assert settings.ward_name == "中原区役所"
    assert settings.default_ward == "中原区" and settings.okuyami_purge_hours == 0
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("PORT", "eighty", "PORT must be a whole number"),
        ("DEFAULT_LANGUAGE", "fr", "DEFAULT_LANGUAGE must be one of ja, en"),
        ("SECURE_COOKIES", "maybe", "SECURE_COOKIES must be 1 or 0"),
        ("DATABASE_URL", "mysql://x", "DATABASE_URL must start with sqlite:// or postgres://"),
        ("OKUYAMI_HOUSEHOLD_HEAD_MODE", "loose", "one of refined_15plus, kawasaki_simple, not 'loose'"),
        ("OKUYAMI_RETENTION_DAYS", "0", "OKUYAMI_RETENTION_DAYS must be at least 1"),
        ("OKUYAMI_RETENTION_DAYS", "a year", "OKUYAMI_RETENTION_DAYS must be a whole number"),
        ("OKUYAMI_SLOTS_PER_DAY", "0", "OKUYAMI_SLOTS_PER_DAY must be between 1 and 20"),
        ("OKUYAMI_PURGE_HOURS", "-1", "OKUYAMI_PURGE_HOURS must be 0 (off) or more"),
        ("DEFAULT_WARD", "横浜区", "DEFAULT_WARD must be one of 川崎区, 幸区"),
    ],
)
def test_a_bad_value_names_the_variable(tmp_path: Path, name: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(message)):
        Settings.from_env({"DATA_DIR": str(tmp_path), "SECRET_KEY": "k", name: value})


def test_readme_configuration_table_lists_every_setting() -> None:
    text = README.read_text(encoding="utf-8")
    table_rows = set(re.findall(r"^\| `([A-Z_]+)` \|", text, flags=re.M))
    assert table_rows == set(Settings.variable_names())
