"""The app under test, with its lifespan running on the test's own event loop, and a signed-in client."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import asyncpg
import httpx
import pytest
import pytest_asyncio
from litestar import Litestar

from server.app import create_app
from server.config import Settings
from tests.databases import DEMO_PASSWORD

CSRF_COOKIE = "madoguchi_csrf"


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


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    # The scheduled retention purge stays off unless a test asks for it.
    return Settings(
        database_url=database_url,
        secret_key="test-secret-" + "k" * 40,
        data_dir=tmp_path,
        okuyami_purge_hours=0,
    )


@pytest_asyncio.fixture
async def app(settings: Settings) -> AsyncIterator[Litestar]:
    """The app with its lifespan held open by a task, so setup and teardown happen in the same task."""
    application = create_app(settings)
    ready, stop = asyncio.Event(), asyncio.Event()

    async def hold() -> None:
        async with application.lifespan():
            ready.set()
            await stop.wait()

    task = asyncio.create_task(hold())
    await asyncio.wait_for(ready.wait(), timeout=30)
    yield application
    stop.set()
    await task


@pytest_asyncio.fixture
async def client(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("192.0.2.10", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def csrf_token(client: httpx.AsyncClient) -> str:
    """The CSRF token, fetching a page first when the cookie is not set yet."""
    token = client.cookies.get(CSRF_COOKIE)
    if not token:
        await client.get("/login")
        token = client.cookies.get(CSRF_COOKIE)
    assert token, "the CSRF cookie was not set"
    return token


async def post_form(
    client: httpx.AsyncClient, url: str, data: dict[str, str], headers: dict[str, str] | None = None
) -> httpx.Response:
    return await client.post(url, data={**data, "_csrf_token": await csrf_token(client)}, headers=headers)


async def sign_in(client: httpx.AsyncClient, login: str, password: str = DEMO_PASSWORD) -> httpx.Response:
    response = await post_form(client, "/login", {"login": login, "password": password})
    return response


LoginAs = Callable[[str], Awaitable[httpx.AsyncClient]]


@pytest_asyncio.fixture
async def login_as(client: httpx.AsyncClient) -> LoginAs:
    """Sign the client in as one of the demo accounts (demo-staff, demo-chief, …)."""

    async def go(login: str) -> httpx.AsyncClient:
        response = await sign_in(client, login)
        assert response.status_code == 302, response.text
        return client

    return go


def text_of(html: str, pattern: str) -> list[str]:
    return re.findall(pattern, html, flags=re.S)
