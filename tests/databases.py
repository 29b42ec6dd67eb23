"""Fresh, migrated databases for each test, on SQLite and on PostgreSQL.

Migrations run once per backend into a template; each test gets a copy (a file copy for SQLite,
``CREATE DATABASE … TEMPLATE`` for PostgreSQL), so tests are isolated and still fast.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from server.db import connected, migrate
from server.seed import seed_demo

DEMO_PASSWORD = "demo-password-for-tests"
_counter = itertools.count()


async def prepare_template(url: str) -> None:
    await migrate(url)
    async with connected(url):
        await seed_demo(DEMO_PASSWORD)


def _with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database}"))


class SqliteDatabases:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.template = root / "template.sqlite3"

    async def setup(self) -> None:
        await prepare_template(f"sqlite://{self.template}")

    async def fresh(self) -> str:
        target = self.root / f"test-{next(_counter)}.sqlite3"
        shutil.copyfile(self.template, target)
        return f"sqlite://{target}"

    async def drop(self, url: str) -> None:
        path = url.removeprefix("sqlite://")
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{path}{suffix}")


class PostgresDatabases:
    def __init__(self, server_url: str) -> None:
        self.server_url = server_url
        self.template = f"madoguchi_tpl_{uuid.uuid4().hex[:8]}"

    async def _admin(self, sql: str) -> None:
        conn = await asyncpg.connect(_with_database(self.server_url, "postgres"))
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    async def setup(self) -> None:
        await self._admin(f'CREATE DATABASE "{self.template}"')
        await prepare_template(_with_database(self.server_url, self.template))

    async def fresh(self) -> str:
        name = f"madoguchi_t{next(_counter)}_{uuid.uuid4().hex[:6]}"
        await self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        return _with_database(self.server_url, name)

    async def drop(self, url: str) -> None:
        name = urlsplit(url).path.lstrip("/")
        await self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    async def teardown(self) -> None:
        await self._admin(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
