"""The retention purge the server runs itself: a closed case past its retention period loses its personal
data through the sync engine, every tablet drops it at its next pull, each run is audited, and several
server instances never purge at once."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json

import asyncpg
import httpx
import pytest
from litestar import Litestar

from server import app as app_module
from server.config import Settings
from server.models import AuditEvent, OkuyamiCase
from server.okuyami import service
from server.okuyami.service import PURGE_LOCK, retention_run
from server.state import AppState
from tests.server.conftest import LoginAs, post_form
from tests.server.test_okuyami_desk import ANSWERS, HEADERS, start_case
from tests.server.test_okuyami_wards import register_tablet


async def pull(client: httpx.AsyncClient, cursor: str) -> dict[str, object]:
    response = await client.get("/api/sync/v1/pull", params={"cursor": cursor}, headers=HEADERS)
    assert response.status_code == 200, response.text
    page: dict[str, object] = response.json()
    return page


async def closed_case(client: httpx.AsyncClient) -> tuple[str, dt.date]:
    case_id = await start_case(client)
    await post_form(client, f"/okuyami/cases/{case_id}/intake", ANSWERS)
    assert (await client.get(f"/okuyami/cases/{case_id}")).status_code == 200
    closed = await post_form(client, f"/okuyami/cases/{case_id}/progress", {"close": "1"})
    assert closed.status_code == 302
    closed_on = (await OkuyamiCase.get(id=case_id)).closed_on
    assert closed_on is not None
    return case_id, closed_on


async def test_the_scheduled_purge_empties_an_expired_case_and_tablets_drop_it(
    login_as: LoginAs, app: Litestar
) -> None:
    state: AppState = app.state.madoguchi
    client = await login_as("demo-okuyami")
    await register_tablet(client)
    case_id, closed_on = await closed_case(client)
    before = await pull(client, "")
    assert any(change["id"] == case_id for change in before["changes"])  # type: ignore[attr-defined]

    early = await retention_run(state.sync, closed_on + dt.timedelta(days=364), 365, "scheduled")
    assert early is not None and early.cases == []
    assert (await OkuyamiCase.get(id=case_id)).deceased_name == "高津 太郎"

    report = await retention_run(state.sync, closed_on + dt.timedelta(days=365), 365, "scheduled")
    assert report is not None and report.cases == [case_id]
    case = await OkuyamiCase.get(id=case_id)
    assert case.purged and case.deceased_name == "" and case.answers == "{}"

    after = await pull(client, str(before["cursor"]))
    assert {"table": "okuyami_cases", "id": case_id} in after["purged"]  # type: ignore[operator]
    assert "高津 太郎" not in json.dumps(after, ensure_ascii=False)

    purged = await AuditEvent.filter(action="okuyami.case_purged", target_id=case_id)
    assert [(e.login, e.detail["trigger"]) for e in purged] == [("system", "scheduled")]
    runs = await AuditEvent.filter(action="okuyami.retention_purge").order_by("id")
    assert [e.detail["cases"] for e in runs] == [0, 1]
    # Run again (another instance after this one): nothing left, nothing done twice.
    again = await retention_run(state.sync, closed_on + dt.timedelta(days=366), 365, "scheduled")
    assert again is not None and again.cases == []
    assert await AuditEvent.filter(action="okuyami.case_purged").count() == 1


async def test_the_server_starts_the_purge_itself_when_asked(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "FIRST_PURGE_DELAY_SECONDS", 0.0)
    application = app_module.create_app(dataclasses.replace(settings, okuyami_purge_hours=24))
    async with application.lifespan():
        for _ in range(100):
            if await AuditEvent.exists(action="okuyami.retention_purge"):
                break
            await asyncio.sleep(0.05)
        run = await AuditEvent.get(action="okuyami.retention_purge")
    assert run.detail["trigger"] == "scheduled" and run.detail["retention_days"] == 365


# The advisory lock is PostgreSQL's (SQLite is one instance): this test runs on PostgreSQL only.
@pytest.mark.parametrize("databases", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
async def test_an_instance_that_finds_the_purge_running_elsewhere_does_nothing(
    login_as: LoginAs, app: Litestar, settings: Settings
) -> None:
    state: AppState = app.state.madoguchi
    client = await login_as("demo-okuyami")
    case_id, closed_on = await closed_case(client)
    other = await asyncpg.connect(settings.database_url)
    try:
        await other.execute("SELECT pg_advisory_lock($1)", PURGE_LOCK)
        skipped = await retention_run(state.sync, closed_on + dt.timedelta(days=400), 365, "scheduled")
        assert skipped is None and not (await OkuyamiCase.get(id=case_id)).purged
        await other.execute("SELECT pg_advisory_unlock($1)", PURGE_LOCK)
    finally:
        await other.close()
    done = await retention_run(state.sync, closed_on + dt.timedelta(days=400), 365, "scheduled")
    assert done is not None and done.cases == [case_id]
