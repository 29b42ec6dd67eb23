from __future__ import annotations

from pathlib import Path

from tortoise.cli.cli import tortoise_cli_context
from tortoise.migrations.autodetector import MigrationAutodetector

from server.db import tortoise_config


async def test_models_and_migrations_agree(tmp_path: Path) -> None:
    """A model change without its migration would only break on someone's production database."""
    config = tortoise_config(f"sqlite://{tmp_path / 'drift.sqlite3'}")
    async with tortoise_cli_context(config) as ctx:
        writers = await MigrationAutodetector(ctx.apps, config["apps"]).changes()
    assert [w.name for w in writers] == []


async def test_migrations_create_every_table(database_url: str) -> None:
    from tortoise import Tortoise

    from server.db import connected

    async with connected(database_url):
        conn = Tortoise.get_connection("default")
        if database_url.startswith("sqlite"):
            rows = await conn.execute_query_dict("SELECT name FROM sqlite_master WHERE type='table'")
        else:
            rows = await conn.execute_query_dict(
                "SELECT table_name AS name FROM information_schema.tables WHERE table_schema='public'"
            )
    names = {row["name"] for row in rows}
    assert {
        "section",
        "app_user",
        "audit_event",
        "web_session",
        "login_failure",
        "tortoise_migrations",
    } <= names
