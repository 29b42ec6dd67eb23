"""Settings, read once from the environment into an immutable object handed to ``create_app``.

Nothing in the project reads ``os.environ`` at import time: ``Settings.from_env`` is called by the
command line (``madoguchi serve`` and friends) and tests build ``Settings`` directly.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

SUPPORTED_LANGUAGES = ("ja", "en")
OKUYAMI_HOUSEHOLD_HEAD_MODES = ("refined_15plus", "kawasaki_simple")
# The wards of Kawasaki City, each with the code its sync scopes are named by. One deployment (one
# database) may serve several of them: a person belongs to one ward, and bereavement cases are seen only
# within theirs.
KAWASAKI_WARDS = {
    "川崎区": "kawasaki",
    "幸区": "saiwai",
    "中原区": "nakahara",
    "高津区": "takatsu",
    "宮前区": "miyamae",
    "多摩区": "tama",
    "麻生区": "asao",
}
DEFAULT_WARD = "高津区"


class SettingsError(ValueError):
    """A configuration value cannot be used; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    """Everything the app can be configured with. Each field maps to one environment variable."""

    database_url: str = "sqlite://var/madoguchi.sqlite3"
    """DATABASE_URL: ``sqlite://path/file.sqlite3`` (default, in ./var) or ``postgres://user:pw@host/db``."""

    secret_key: str = field(default="", repr=False)
    """SECRET_KEY: signs CSRF tokens and sync cursors; when unset one is generated and kept in DATA_DIR."""

    host: str = "127.0.0.1"
    """HOST: address ``madoguchi serve`` listens on."""

    port: int = 8000
    """PORT: port ``madoguchi serve`` listens on."""

    default_language: str = "ja"
    """DEFAULT_LANGUAGE: ``ja`` or ``en``; the language of a new visitor before they choose."""

    data_dir: Path = Path("var")
    """DATA_DIR: where the SQLite file, the generated secret key, uploaded files and backups live."""

    secure_cookies: bool = False
    """SECURE_COOKIES: ``1`` when the app is served over HTTPS, so session and CSRF cookies get ``Secure``."""

    session_hours: int = 10
    """SESSION_HOURS: a session ends after this many hours (a working day on a shared tablet)."""

    login_max_failures: int = 5
    """LOGIN_MAX_FAILURES: failed logins for one account or one address before logins are paused."""

    login_lock_minutes: int = 15
    """LOGIN_LOCK_MINUTES: how long logins stay paused after too many failures."""

    ward_name: str = "高津区役所"
    """WARD_NAME: the office's name shown in the header and on printed reports."""

    release: str = ""
    """RELEASE: a label for this deployment; changing it makes every tablet offer the new version."""

    okuyami_household_head_mode: str = "refined_15plus"
    """OKUYAMI_HOUSEHOLD_HEAD_MODE: when the desk lists 世帯主変更届: ``refined_15plus`` (two or more aged 15+
    remain) or ``kawasaki_simple`` (two or more remain, as the Kawasaki guidebook words it)."""

    okuyami_retention_days: int = 365
    """OKUYAMI_RETENTION_DAYS: days after a bereavement case is closed before its personal data is purged."""

    okuyami_slots_per_day: int = 4
    """OKUYAMI_SLOTS_PER_DAY: bookable bereavement-desk visits per day."""

    okuyami_purge_hours: int = 24
    """OKUYAMI_PURGE_HOURS: hours between the server's own runs of the retention purge (``0``: never, when
    ``madoguchi okuyami purge`` runs from cron instead)."""

    default_ward: str = DEFAULT_WARD
    """DEFAULT_WARD: the ward of new accounts and of data stored before wards existed (one of Kawasaki's
    seven: 川崎区, 幸区, 中原区, 高津区, 宮前区, 多摩区, 麻生区)."""

    metrics_token: str = field(default="", repr=False)
    """METRICS_TOKEN: a Prometheus server sending ``Authorization: Bearer <token>`` may read ``/metrics``."""

    metrics_allow: tuple[str, ...] = ()
    """METRICS_ALLOW: addresses or networks (comma-separated, e.g. ``127.0.0.1,10.0.5.0/24``) that may read
    ``/metrics`` without the token. With neither setting ``/metrics`` is off."""

    forwarded_allow_ips: str = ""
    """FORWARDED_ALLOW_IPS: addresses of the reverse proxies (comma-separated) whose ``X-Forwarded-For`` and
    ``X-Forwarded-Proto`` are believed, so sign-in pauses, the public form's limit, the audit log and
    METRICS_ALLOW see the person's address instead of the proxy's. Empty: headers are ignored."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from environment variables (``os.environ`` when none are given)."""
        env = os.environ if environ is None else environ
        defaults = cls()
        data_dir = Path(env.get("DATA_DIR", str(defaults.data_dir)))
        language = env.get("DEFAULT_LANGUAGE", defaults.default_language)
        if language not in SUPPORTED_LANGUAGES:
            raise SettingsError(
                f"DEFAULT_LANGUAGE must be one of {', '.join(SUPPORTED_LANGUAGES)}, not {language!r}"
            )
        head_mode = env.get("OKUYAMI_HOUSEHOLD_HEAD_MODE", "") or defaults.okuyami_household_head_mode
        if head_mode not in OKUYAMI_HOUSEHOLD_HEAD_MODES:
            modes = ", ".join(OKUYAMI_HOUSEHOLD_HEAD_MODES)
            raise SettingsError(f"OKUYAMI_HOUSEHOLD_HEAD_MODE must be one of {modes}, not {head_mode!r}")
        retention = _int(env, "OKUYAMI_RETENTION_DAYS", defaults.okuyami_retention_days)
        if retention < 1:
            raise SettingsError("OKUYAMI_RETENTION_DAYS must be at least 1")
        slots = _int(env, "OKUYAMI_SLOTS_PER_DAY", defaults.okuyami_slots_per_day)
        if not 1 <= slots <= 20:
            raise SettingsError("OKUYAMI_SLOTS_PER_DAY must be between 1 and 20")
        purge_hours = _int(env, "OKUYAMI_PURGE_HOURS", defaults.okuyami_purge_hours)
        if purge_hours < 0:
            raise SettingsError("OKUYAMI_PURGE_HOURS must be 0 (off) or more")
        ward = env.get("DEFAULT_WARD", "") or defaults.default_ward
        if ward not in KAWASAKI_WARDS:
            raise SettingsError(f"DEFAULT_WARD must be one of {', '.join(KAWASAKI_WARDS)}, not {ward!r}")
        database_url = env.get("DATABASE_URL", "") or f"sqlite://{data_dir / 'madoguchi.sqlite3'}"
        if not database_url.startswith(("sqlite://", "postgres://", "postgresql://", "asyncpg://")):
            raise SettingsError("DATABASE_URL must start with sqlite:// or postgres://")
        metrics_allow = tuple(e.strip() for e in env.get("METRICS_ALLOW", "").split(",") if e.strip())
        for entry in metrics_allow:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise SettingsError(f"METRICS_ALLOW: not an address or network: {entry!r}") from None
        proxies = ",".join(e.strip() for e in env.get("FORWARDED_ALLOW_IPS", "").split(",") if e.strip())
        for entry in proxies.split(",") if proxies else []:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise SettingsError(f"FORWARDED_ALLOW_IPS: not an address or network: {entry!r}") from None
        return cls(
            database_url=database_url,
            secret_key=env.get("SECRET_KEY", "") or load_or_create_secret(data_dir),
            host=env.get("HOST", defaults.host),
            port=_int(env, "PORT", defaults.port),
            default_language=language,
            data_dir=data_dir,
            secure_cookies=_bool(env, "SECURE_COOKIES", defaults.secure_cookies),
            session_hours=_int(env, "SESSION_HOURS", defaults.session_hours),
            login_max_failures=_int(env, "LOGIN_MAX_FAILURES", defaults.login_max_failures),
            login_lock_minutes=_int(env, "LOGIN_LOCK_MINUTES", defaults.login_lock_minutes),
            ward_name=env.get("WARD_NAME", defaults.ward_name),
            release=env.get("RELEASE", defaults.release),
            okuyami_household_head_mode=head_mode,
            okuyami_retention_days=retention,
            okuyami_slots_per_day=slots,
            okuyami_purge_hours=purge_hours,
            default_ward=ward,
            metrics_token=env.get("METRICS_TOKEN", ""),
            metrics_allow=metrics_allow,
            forwarded_allow_ips=proxies,
        )

    @staticmethod
    def variable_names() -> list[str]:
        """The environment variable of every field, for the README's configuration table."""
        return [f.name.upper() for f in fields(Settings)]

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite://")

    @property
    def sqlite_path(self) -> Path:
        if not self.is_sqlite:
            raise SettingsError("DATABASE_URL is not a SQLite database")
        return Path(self.database_url.removeprefix("sqlite://"))


def load_or_create_secret(data_dir: Path) -> str:
    """Return the key kept in ``data_dir/secret_key``, creating it (owner-readable only) on first use."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # O_EXCL: two processes starting at once must not each write a different key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from None


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name} must be 1 or 0, not {raw!r}")
