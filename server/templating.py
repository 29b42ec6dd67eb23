"""The Jinja environment: autoescaping, the i18n extension, date filters and static URLs with versions."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from server.calendar_ja import fiscal_year, fiscal_year_label, format_date, wareki
from server.timekeeping import local

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = PROJECT_ROOT / "templates"
STATIC_DIR = PROJECT_ROOT / "static"


def static_fingerprint(static_dir: Path = STATIC_DIR) -> str:
    """A short hash of every static file: the service worker's version, so any change ships an update."""
    digest = hashlib.sha256()
    for path in sorted(p for p in static_dir.rglob("*") if p.is_file()):
        digest.update(path.relative_to(static_dir).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def build_environment(asset_version: str) -> Environment:
    """Autoescape everything HTML-like; undefined names fail loudly instead of printing nothing."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html", "xml", "svg"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )

    def static_url(path: str) -> str:
        return f"/static/{path}?v={asset_version}"

    globals_: dict[str, Any] = {"static_url": static_url, "asset_version": asset_version}
    env.globals.update(globals_)
    env.filters["wareki"] = wareki
    env.filters["date_ja"] = format_date
    env.filters["fiscal_year"] = fiscal_year
    env.filters["fiscal_year_label"] = fiscal_year_label
    env.filters["local_time"] = lambda moment: local(moment).strftime("%Y-%m-%d %H:%M") if moment else ""
    return env
