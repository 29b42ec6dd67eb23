"""``/healthz`` and ``/metrics`` as a load balancer and a Prometheus server use them."""

from __future__ import annotations

import dataclasses
import re
import uuid

import httpx
import pytest
from litestar import Litestar
from tortoise import Tortoise

from server.config import Settings, SettingsError
from server.monitoring import health
from tests.server.conftest import LoginAs
from tests.server.test_sync_api import Tablet, goal_fields

TOKEN = "scrape-" + "t" * 32


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # The test client's address (192.0.2.10) is not in the list: only the token lets it in.
    return dataclasses.replace(settings, metrics_token=TOKEN, metrics_allow=("10.0.0.0/8", "::1"))


def sample(text: str, name: str, **labels: str) -> float:
    """One sample's value from the exposition text (0 when the series is absent)."""
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        match = re.fullmatch(r"([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)", line)
        if not match or match.group(1) != name:
            continue
        found = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', match.group(2) or ""))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(match.group(3))
    return 0.0


async def scrape(client: httpx.AsyncClient) -> str:
    response = await client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return response.text


async def test_healthz_needs_no_session_and_says_the_instance_can_serve(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "pending_migrations": [], "release": ""}
    assert response.headers["cache-control"] == "no-store"
    assert "set-cookie" not in response.headers


async def test_healthz_is_unavailable_while_a_migration_is_pending(client: httpx.AsyncClient) -> None:
    newest = max(health.known_migrations())
    connection = Tortoise.get_connection("default")
    await connection.execute_query(f"DELETE FROM tortoise_migrations WHERE name = '{newest}'")  # noqa: S608
    response = await client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable" and response.json()["pending_migrations"] == [newest]


async def test_healthz_is_unavailable_when_the_database_does_not_answer(
    app: Litestar, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreachable(name: str) -> None:
        raise ConnectionError("database down")

    monkeypatch.setattr(health.Tortoise, "get_connection", unreachable)
    response = await client.get("/healthz")
    assert response.status_code == 503 and response.json()["database"] == "unreachable"


async def test_metrics_are_not_served_without_the_token_or_an_allowed_address(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    assert (await client.get("/metrics")).status_code == 404
    assert (await client.get("/metrics", headers={"Authorization": "Bearer wrong"})).status_code == 404
    # Being signed in is not enough either: metrics are the operator's, not a role's.
    manager = await login_as("demo-manager")
    assert (await manager.get("/metrics")).status_code == 404


async def test_an_allowed_address_reads_metrics_without_the_token(app: Litestar) -> None:
    transport = httpx.ASGITransport(app=app, client=("10.1.2.3", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as prometheus:
        assert (await prometheus.get("/metrics")).status_code == 200


async def test_metrics_count_pushes_pulls_and_requests_by_route_template(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    before = await scrape(client)
    tablet = Tablet(await login_as("demo-staff"))
    assert (await tablet.register()).status_code == 200
    goal = str(uuid.uuid4())
    pushed = await tablet.push(
        tablet.op(goal, "create", await goal_fields()), tablet.op(goal, "patch", {"progress": "5月"}, base=1)
    )
    assert pushed.status_code == 200
    page = await tablet.pull()
    after = await scrape(client)

    applied = "madoguchi_sync_push_ops_total"
    assert sample(after, applied, status="applied") - sample(before, applied, status="applied") == 2
    pulled = "madoguchi_sync_pull_records_total"
    assert sample(after, pulled) - sample(before, pulled) == len(page["changes"]) >= 1
    # One series per route template, never per record id.
    histogram = "madoguchi_request_duration_seconds_count"
    assert sample(after, histogram, path="/api/sync/v1/push", method="POST", status_code="200") >= 1
    assert "/metrics" not in {m for m in re.findall(r'path="([^"]*)"', after)}


async def test_open_conflicts_and_unsent_changes_are_read_from_the_database(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    staff = Tablet(await login_as("demo-staff"))
    assert (await staff.register()).status_code == 200  # reports 2 unsent changes
    goal = str(uuid.uuid4())
    assert (await staff.push(staff.op(goal, "create", await goal_fields()))).status_code == 200
    other = Tablet(await login_as("demo-staff"))
    assert (await other.register()).status_code == 200
    await staff.push(staff.op(goal, "patch", {"title": "案内を増やす"}, base=1))
    await other.push(other.op(goal, "patch", {"title": "待ち時間を表示する"}, base=1))
    text = await scrape(client)
    assert sample(text, "madoguchi_sync_open_conflicts") == 1
    assert sample(text, "madoguchi_sync_unsent_reported") == 4


def test_metrics_settings_are_read_and_checked() -> None:
    settings = Settings.from_env({"SECRET_KEY": "k" * 40, "METRICS_ALLOW": "127.0.0.1, 10.0.0.0/8"})
    assert settings.metrics_allow == ("127.0.0.1", "10.0.0.0/8") and settings.metrics_token == ""
    with pytest.raises(SettingsError, match="METRICS_ALLOW"):
        Settings.from_env({"SECRET_KEY": "k" * 40, "METRICS_ALLOW": "office-router"})


def test_trusted_proxies_are_addresses() -> None:
    settings = Settings.from_env({"SECRET_KEY": "k" * 40, "FORWARDED_ALLOW_IPS": "127.0.0.1, 10.0.0.0/8"})
    assert settings.forwarded_allow_ips == "127.0.0.1,10.0.0.0/8"
    with pytest.raises(SettingsError, match="FORWARDED_ALLOW_IPS"):
        Settings.from_env({"SECRET_KEY": "k" * 40, "FORWARDED_ALLOW_IPS": "proxy.local"})
