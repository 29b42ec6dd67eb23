"""Fixtures shared by every test root: the database matrix (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from tests.databases import PostgresDatabases, SqliteDatabases
from tests.pg_cluster import ThrowawayCluster


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """TEST_DATABASE_URL when given (a server where the user may create databases), else a private cluster.

    A PostgreSQL that cannot start fails the tests that need it: it is never skipped.
    """
    given = os.environ.get("TEST_DATABASE_URL")
    if given:
        yield given
        return
    cluster = ThrowawayCluster()
    cluster.start()
    try:
        yield cluster.url("postgres")
    finally:
        cluster.stop()


@pytest_asyncio.fixture(scope="session")
async def sqlite_databases(tmp_path_factory: pytest.TempPathFactory) -> SqliteDatabases:
    databases = SqliteDatabases(Path(tmp_path_factory.mktemp("sqlite")))
    await databases.setup()
    return databases


@pytest_asyncio.fixture(scope="session")
async def postgres_databases(postgres_server_url: str) -> AsyncIterator[PostgresDatabases]:
    databases = PostgresDatabases(postgres_server_url)
    await databases.setup()
    yield databases
    await databases.teardown()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def databases(request: pytest.FixtureRequest) -> SqliteDatabases | PostgresDatabases:
    """The backend under test; only the one a test runs on is started."""
    backend: SqliteDatabases | PostgresDatabases = request.getfixturevalue(f"{request.param}_databases")
    return backend


@pytest_asyncio.fixture
async def database_url(databases: SqliteDatabases | PostgresDatabases) -> AsyncIterator[str]:
    """A fresh, migrated database with the demo sections and accounts, once per backend."""
    url = await databases.fresh()
    yield url
    await databases.drop(url)
