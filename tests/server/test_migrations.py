from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
import pytest_asyncio
from tortoise.cli.cli import tortoise_cli_context
from tortoise.migrations.autodetector import MigrationAutodetector

from server.db import tortoise_config
from sync import Kind


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


@pytest_asyncio.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A database with no tables yet, to migrate step by step."""
    if request.param == "sqlite":
        yield f"sqlite://{tmp_path / 'steps.sqlite3'}"
        return
    server_url: str = request.getfixturevalue("postgres_server_url")
    name = f"madoguchi_steps_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(server_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def test_push_results_stored_before_0007_are_still_answered(empty_database_url: str) -> None:
    """0007 keeps a push's results in one row; results stored one per operation are carried over, so a
    tablet that resends a batch after the upgrade gets the answers it missed."""
    from tortoise import Tortoise
    from tortoise.migrations.api.migrate import migrate as run_migrations

    from server.db import connected, migrate
    from server.sync_api.store import TortoiseStore
    from tests.sync.harness import Tablet, new_engine

    await run_migrations(config=tortoise_config(empty_database_url), target="models.0004_section_goals")
    await Tortoise.close_connections()
    tablet = Tablet("before")
    op = tablet.op("inspections", str(uuid.uuid4()), Kind.CREATE, {"place": "1階"})
    answer = {
        "op_id": op.op_id,
        "client_seq": 1,
        "status": "applied",
        "record_version": 1,
        "conflict_ids": [],
    }
    async with connected(empty_database_url):
        conn = Tortoise.get_connection("default")
        postgres = conn.capabilities.dialect == "postgres"
        await conn.execute_query(
            "INSERT INTO sync_result (op_id, client_id, client_seq, result) VALUES ($1, $2, $3, $4)"
            if postgres
            else "INSERT INTO sync_result (op_id, client_id, client_seq, result) VALUES (?, ?, ?, ?)",
            [op.op_id, tablet.client_id, 1, json.dumps({**answer, "error": None})],
        )
        await conn.execute_query(
            "INSERT INTO sync_client (client_id, last_seq, login) VALUES ($1, $2, $3)"
            if postgres
            else "INSERT INTO sync_client (client_id, last_seq, login) VALUES (?, ?, ?)",
            [tablet.client_id, 1, "demo-staff"],
        )
    await migrate(empty_database_url)
    async with connected(empty_database_url):
        assert await tablet.push(new_engine(TortoiseStore()), [op]) == [{**answer, "error": None}]
