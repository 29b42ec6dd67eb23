"""Tortoise configuration and the database lifecycle used by the app and the command line."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

from tortoise import Tortoise
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.backends.base.executor import EXECUTOR_CACHE

from server.config import DEFAULT_WARD

MODELS_MODULE = "server.models"
MIGRATIONS_MODULE = "server.migrations"


def connection_config(database_url: str) -> str | dict[str, Any]:
    """A ``postgres://`` URL as it is (asyncpg); SQLite with ``secure_delete`` on every connection.

    With it SQLite overwrites deleted content with zeros instead of leaving it in free space, so erased
    personal data (a purged bereavement case) is not left readable in the file. Some builds enable it by
    default, others do not: the app does not depend on which one the platform has.
    """
    if not database_url.startswith("sqlite://"):
        return database_url
    config = expand_db_url(database_url)
    config["credentials"]["secure_delete"] = "ON"
    return config


async def checkpoint_sqlite() -> None:
    """Copy SQLite's write-ahead log into the database and empty it, so content just erased is not left
    in the log file either (its older page versions would keep it until the next checkpoint)."""
    conn = Tortoise.get_connection("default")
    if conn.capabilities.dialect == "sqlite":
        await conn.execute_query("PRAGMA wal_checkpoint(TRUNCATE)")


def tortoise_config(database_url: str) -> dict[str, Any]:
    """The Tortoise config for one database; ``postgres://`` URLs use asyncpg."""
    return {
        "connections": {"default": connection_config(database_url)},
        "apps": {
            "models": {
                "models": [MODELS_MODULE],
                "migrations": MIGRATIONS_MODULE,
                "default_connection": "default",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


# Only the ``tortoise makemigrations`` developer command reads this: it compares the models with the
# migration files and never connects, so a fixed local path is enough here.
TORTOISE_ORM = tortoise_config("sqlite://var/madoguchi.sqlite3")


def _forget_prepared_statements() -> None:
    """Tortoise caches each model's INSERT/DELETE SQL by connection *name*, not by database kind, so a
    process that opens SQLite and later PostgreSQL under the same name would send SQLite's ``?`` placeholders
    to PostgreSQL. Dropping the cache when a database is opened costs one rebuild per model."""
    EXECUTOR_CACHE.clear()


# The ward that data stored before wards existed belongs to (migration 0011 reads it). Migrations take no
# arguments, so ``migrate`` hands the DEFAULT_WARD setting over this way; the ``tortoise`` developer
# command leaves the default.
migration_ward: ContextVar[str] = ContextVar("madoguchi_migration_ward", default=DEFAULT_WARD)


async def migrate(database_url: str, default_ward: str = DEFAULT_WARD) -> None:
    """Apply every pending migration, then close the connections it opened."""
    from tortoise.migrations.api.migrate import migrate as run_migrations

    _forget_prepared_statements()
    token = migration_ward.set(default_ward)
    try:
        await run_migrations(config=tortoise_config(database_url))
    finally:
        migration_ward.reset(token)
        await Tortoise.close_connections()


@asynccontextmanager
async def connected(database_url: str) -> AsyncIterator[None]:
    """Open the ORM for the duration of the block.

    ``_enable_global_fallback``: the ASGI lifespan runs in another task than the request handlers, and
    Tortoise 1.x keeps its state in a context variable; without the fallback every handler query fails.
    """
    _forget_prepared_statements()
    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)
    try:
        yield
    finally:
        await Tortoise.close_connections()
