"""The Jinja environment: autoescaping, the i18n extension, date filters and static URLs with versions."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context

from server import __version__
from server.calendar_ja import (
    fiscal_year,
    fiscal_year_label,
    format_date,
    format_moment,
    recent_fiscal_years,
    wareki,
)
from server.charts import svg
from server.timekeeping import today

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = PROJECT_ROOT / "templates"
STATIC_DIR = PROJECT_ROOT / "static"


def release_fingerprint(release: str = "", extra: bytes = b"") -> str:
    """A short hash of the app version, every static file and template, the deployment's release label and
    ``extra`` (data the tablet keeps that is generated, not a file here: the おくやみ engine's documents).

    It versions static URLs and the service worker, so any change that tablets must pick up (a script, a
    style, the offline page, a procedure rule) ships as an update they are offered.
    """
    digest = hashlib.sha256(f"{__version__}|{release}".encode())
    digest.update(extra)
    for folder in (STATIC_DIR, TEMPLATES_DIR):
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(path.relative_to(PROJECT_ROOT).as_posix().encode())
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

    globals_: dict[str, Any] = {"static_url": static_url, "asset_version": asset_version, "charts": svg}
    env.globals.update(globals_)
    env.filters["wareki"] = wareki
    env.filters["date_ja"] = format_date
    env.filters["fiscal_year"] = fiscal_year
    env.filters["fiscal_year_label"] = fiscal_year_label

    @pass_context
    def local_time(context: Context, moment: Any) -> str:
        """A stored moment in Japan time, in the page's language (see ``format_moment``)."""
        return format_moment(moment, context.get("lang", "ja"))

    env.filters["local_time"] = local_time
    env.globals["fiscal_years"] = lambda: recent_fiscal_years(today())
    return env
