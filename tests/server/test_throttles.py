"""Sign-in pauses and the public form's limit hold under real concurrency: of any number of parallel
attempts, at most the limit are ever evaluated or stored, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from litestar import Litestar

from server.auth import service as auth_service
from server.feedback import service as feedback_service
from server.models import Feedback
from tests.databases import DEMO_PASSWORD
from tests.server.conftest import csrf_token, sign_in


@pytest.fixture
def checked_passwords(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every password the server actually verified."""
    checked: list[str] = []
    verify = auth_service.verify_password

    def counting(password_hash: str | None, password: str) -> bool:
        checked.append(password)
        return verify(password_hash, password)

    monkeypatch.setattr(auth_service, "verify_password", counting)
    return checked


def other_client(app: Litestar, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def test_parallel_wrong_passwords_for_one_account_are_checked_at_most_five_times(
    app: Litestar, checked_passwords: list[str]
) -> None:
    # Each from its own address, so only the account's limit applies.
    clients = [other_client(app, f"198.51.100.{n}") for n in range(100)]
    try:
        responses = await asyncio.gather(
            *(sign_in(c, "demo-chief", f"wrong-{n}") for n, c in enumerate(clients))
        )
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))
    assert [r.status_code for r in responses] == [401] * 100
    assert len(checked_passwords) == 5
    assert sum("15分" in r.text for r in responses) == 95
    # The pause holds for the right password too.
    async with other_client(app, "198.51.100.200") as late:
        assert (await sign_in(late, "demo-chief", DEMO_PASSWORD)).status_code == 401


async def test_parallel_attempts_from_one_address_are_checked_at_most_twenty_times(
    client: httpx.AsyncClient, checked_passwords: list[str]
) -> None:
    logins = ["demo-staff", "demo-okuyami", "demo-chief", "demo-manager", "demo-admin", "nobody"]
    await csrf_token(client)
    attempts = [sign_in(client, logins[n % len(logins)], f"wrong-{n}") for n in range(60)]
    responses = await asyncio.gather(*attempts)
    assert all(r.status_code == 401 for r in responses)
    # The address allows twenty attempts: never more are checked. Attempts for the unknown login use a
    # place without checking any password, so how many of the twenty are checked depends on the order
    # the sixty arrive in (17 to 20 seen); an exact count would test the scheduler, not the limit.
    assert 10 <= len(checked_passwords) <= 20


async def test_successful_sign_ins_do_not_use_up_the_office_address(client: httpx.AsyncClient) -> None:
    """A shared office address signs many people in; only failures count against it."""
    for _ in range(30):
        assert (await sign_in(client, "demo-staff")).status_code == 302
        client.cookies.delete("madoguchi_session")


async def test_parallel_public_comments_from_one_address_store_at_most_five(
    client: httpx.AsyncClient,
) -> None:
    token = await csrf_token(client)

    async def leave(n: int) -> httpx.Response:
        return await client.post("/voice", data={"comment": f"同時の意見その{n}", "_csrf_token": token})

    responses = await asyncio.gather(*(leave(n) for n in range(30)))
    assert await Feedback.all().count() == feedback_service.PUBLIC_LIMIT
    assert sorted(r.status_code for r in responses) == [302] * 5 + [429] * 25
